package web

import "net/http"

// Redactor masks secret values in text that leaves the process.
type Redactor interface {
	Redact(string) string
}

// masked passes every response body through the configured redactor, so
// no page or API answer shows a secret, whatever row it renders (rows
// written before the engine redacted included). Pages and API answers are
// written in one piece (rendered to a buffer, encoded at once), so a secret
// is never split between two writes.
func (s *Server) masked(h http.Handler) http.Handler {
	if s.cfg.Redactor == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&redactingWriter{ResponseWriter: w, r: s.cfg.Redactor}, r)
	})
}

type redactingWriter struct {
	http.ResponseWriter
	r Redactor
}

func (w *redactingWriter) Write(p []byte) (int, error) {
	if _, err := w.ResponseWriter.Write([]byte(w.r.Redact(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *redactingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
