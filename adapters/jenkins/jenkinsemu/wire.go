package jenkinsemu

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

// buffer collects a response while the emulator's lock is held, so a slow
// client never blocks the state; lost marks a response a fault swallows.
type buffer struct {
	header http.Header
	status int
	body   bytes.Buffer
	lost   bool
}

func newBuffer() *buffer { return &buffer{header: http.Header{}, status: http.StatusOK} }

func (b *buffer) Header() http.Header         { return b.header }
func (b *buffer) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *buffer) WriteHeader(status int)      { b.status = status }

func (b *buffer) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// errorPage answers like Jenkins' Jetty error page: HTML whose title holds
// the status and the message.
func errorPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.WriteHeader(status)
	m := html.EscapeString(msg)
	fmt.Fprintf(w, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"+
		"<title>Error %d %s</title>\n</head>\n<body><h2>HTTP ERROR %d %s</h2>\n<table>\n"+
		"<tr><th>STATUS:</th><td>%d</td></tr>\n<tr><th>MESSAGE:</th><td>%s</td></tr>\n</table>\n</body>\n</html>\n",
		status, m, status, m, status, m)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// crumbFor derives the crumb for a user and web session, as Jenkins'
// DefaultCrumbIssuer binds it to both.
func (s *Server) crumbFor(user, session string) string {
	m := hmac.New(sha256.New, []byte(s.salt))
	m.Write([]byte(user + "\x00" + session))
	return hex.EncodeToString(m.Sum(nil))
}

// crumbIssuer answers /crumbIssuer/api/json, starting a session when the
// request carries none.
func (s *Server) crumbIssuer(w http.ResponseWriter, r *http.Request, user string) {
	session := ""
	if c, err := r.Cookie(s.cookie); err == nil {
		session = c.Value
	} else {
		session = randomHex(12)
		http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: session, Path: s.opts.ContextPath + "/", HttpOnly: true})
	}
	writeJSON(w, map[string]string{"_class": "hudson.security.csrf.DefaultCrumbIssuer",
		"crumb": s.crumbFor(user, session), "crumbRequestField": "Jenkins-Crumb"})
}

func (s *Server) crumbValid(r *http.Request, user string) bool {
	if !s.requireCrumb {
		return true
	}
	c, err := r.Cookie(s.cookie)
	if err != nil {
		return false
	}
	got := r.Header.Get("Jenkins-Crumb")
	if got == "" {
		got = r.URL.Query().Get("Jenkins-Crumb")
	}
	return got != "" && equalSecret(got, s.crumbFor(user, c.Value))
}

// Fault is an injected misbehaviour for the next Count matching requests.
type Fault struct {
	// Method and PathPrefix select requests ("" matches any); the path is
	// the one after the context path, e.g. "/queue/item/".
	Method     string
	PathPrefix string
	// Count is how many requests it applies to; default 1.
	Count int
	// Delay holds the request before anything else happens.
	Delay time.Duration
	// Status, when set, answers with this status instead of handling.
	Status int
	// LoseResponse handles the request, then holds the connection without
	// answering until the client gives up: the request took effect, the
	// client cannot know.
	LoseResponse bool
}

// InjectFault adds a fault; faults apply in the order they were added.
func (s *Server) InjectFault(f Fault) { s.faults.Add(f) }

// FailNext makes the next n requests answer 500.
func (s *Server) FailNext(n int) {
	s.InjectFault(Fault{Count: n, Status: http.StatusInternalServerError})
}

func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	path := strings.TrimPrefix(r.URL.Path, s.opts.ContextPath)
	return s.faults.Take(func(f Fault) bool {
		return (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(path, f.PathPrefix)
	})
}

// Request is one request the emulator received.
type Request struct {
	At     time.Time
	Method string
	Path   string // escaped path, context path included
	Query  string
	User   string
	Status int // 0 when a fault swallowed the response
}

func (s *Server) record(r *http.Request, user string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := Request{At: s.now(), Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		User: user, Status: status}
	s.requests = append(s.requests, req)
	if over := len(s.requests) - s.opts.MaxRequests; over > 0 {
		s.requests = append(s.requests[:0], s.requests[over:]...)
	}
}
