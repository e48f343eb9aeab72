package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dingops/dingops/core"
)

// recordBody is POST /api/v1/releases: a release made elsewhere (CI/CD),
// like `dingops record`.
type recordBody struct {
	App      string `json:"app"`      // required
	Artifact string `json:"artifact"` // required: image reference, hashed manifest key, or mini-program version id
	Digest   string `json:"digest"`   // the artifact's digest or ETag, checked against the target
	Display  string `json:"display"`  // a short name, e.g. 1.4.2
	Commit   string `json:"commit"`
	By       string `json:"by"`  // who released it; default: the caller
	Key      string `json:"key"` // idempotency key; or the Idempotency-Key header
}

// field limits keep rows and log lines sane.
var fieldLimits = map[string]int{"app": 63, "artifact": 1024, "digest": 256, "display": 128, "commit": 64, "by": 128, "key": 200}

// api answers only method (405 with Allow otherwise, as JSON).
func (s *Server) api(next http.Handler, method string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			apiError(w, http.StatusMethodNotAllowed, "", "method "+r.Method+" not allowed; use "+method)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) postRelease(w http.ResponseWriter, r *http.Request) {
	b, status, msg := s.decodeRecord(w, r)
	if status != 0 {
		apiError(w, status, "", msg)
		return
	}
	p := info(r.Context()).who.Load()
	key := "record:" + b.Key // the CLI's key space: `dingops record --key K` and the API dedupe together
	if b.Key == "" {
		key = ""
	}
	req := core.RecordRequest{Actor: core.Actor{StaffID: p.User, Origin: core.OriginAPI}, App: b.App, Commit: b.Commit,
		By: b.By, Key: key, Artifact: core.Artifact{Ref: b.Artifact, Digest: b.Digest, Display: b.Display}}
	rel, created, err := s.cfg.Engine.Record(r.Context(), req)
	var ref *core.Refusal
	switch {
	case errors.As(err, &ref):
		s.log.InfoContext(r.Context(), "release record refused", "app", b.App, "reason", ref.Error())
		apiError(w, refusalStatus(ref), string(ref.Reasons[0].Code), s.refusalText("en", ref))
		return
	case err != nil:
		s.apiInternal(w, r, err)
		return
	}
	info(r.Context()).release.Store(int64(rel.ID))
	if !created && (rel.App != b.App || rel.Artifact.Ref != b.Artifact) {
		apiError(w, http.StatusConflict, "key_reused", fmt.Sprintf("idempotency key %q was already used for %s (artifact %s)",
			b.Key, rel.Label(), rel.Artifact.Ref))
		return
	}
	s.log.InfoContext(r.Context(), "release recorded", "release", int64(rel.ID), "app", rel.App, "version", rel.Version,
		"created", created)
	code := http.StatusCreated
	if !created {
		code = http.StatusOK
	}
	writeJSON(w, code, map[string]any{"created": created, "release": releaseOut(rel)})
}

// decodeRecord reads and checks the body; a non-zero status is the 4xx to
// answer with msg.
func (s *Server) decodeRecord(w http.ResponseWriter, r *http.Request) (recordBody, int, string) {
	var b recordBody
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return b, http.StatusUnsupportedMediaType, "the body must be JSON (Content-Type: application/json)"
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return b, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", s.cfg.MaxBody)
	}
	if err != nil {
		return b, http.StatusBadRequest, "reading the body: " + oneLine(err.Error())
	}
	if !utf8.Valid(raw) {
		// encoding/json would turn the bad bytes into U+FFFD silently.
		return b, http.StatusBadRequest, "the body is not valid UTF-8"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); errors.Is(err, io.EOF) {
		return b, http.StatusBadRequest, "the body is empty: send a JSON object with app and artifact"
	} else if err != nil {
		return b, http.StatusBadRequest, "invalid JSON: " + oneLine(strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return b, http.StatusBadRequest, "invalid JSON: more than one value in the body"
	}
	status, msg := b.check(r.Header.Get("Idempotency-Key"))
	return b, status, msg
}

// check validates the fields and settles the key; it trims spaces.
func (b *recordBody) check(header string) (int, string) {
	header = strings.TrimSpace(header)
	fields := map[string]*string{"app": &b.App, "artifact": &b.Artifact, "digest": &b.Digest, "display": &b.Display,
		"commit": &b.Commit, "by": &b.By, "key": &b.Key}
	for _, name := range []string{"app", "artifact", "digest", "display", "commit", "by", "key"} {
		p := fields[name]
		*p = strings.TrimSpace(*p)
		if len(*p) > fieldLimits[name] {
			return http.StatusBadRequest, fmt.Sprintf("%s is longer than %d characters", name, fieldLimits[name])
		}
		if msg := badText(name, *p); msg != "" {
			return http.StatusBadRequest, msg
		}
	}
	switch {
	case b.App == "":
		return http.StatusBadRequest, "app is required"
	case b.Artifact == "":
		return http.StatusBadRequest, "artifact is required"
	case len(header) > fieldLimits["key"]:
		return http.StatusBadRequest, fmt.Sprintf("the Idempotency-Key header is longer than %d characters", fieldLimits["key"])
	case badText("the Idempotency-Key header", header) != "":
		return http.StatusBadRequest, badText("the Idempotency-Key header", header)
	case header != "" && b.Key != "" && header != b.Key:
		return http.StatusBadRequest, "the Idempotency-Key header and the key field differ"
	case header != "":
		b.Key = header
	}
	return 0, ""
}

// refusalStatus maps a refused record to its 4xx.
func refusalStatus(r *core.Refusal) int {
	switch {
	case r.Has(core.CodeUnknownApp):
		return http.StatusNotFound
	case r.Has(core.CodeActiveExists):
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

func (s *Server) getReleases(w http.ResponseWriter, r *http.Request) {
	limit := 20
	if q := r.URL.Query().Get("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 100 {
			apiError(w, http.StatusBadRequest, "", fmt.Sprintf("limit %q must be a number from 1 to 100", q))
			return
		}
		limit = n
	}
	app := r.PathValue("app")
	rs, err := s.cfg.Engine.History(r.Context(), app, limit)
	var ref *core.Refusal
	switch {
	case errors.As(err, &ref):
		apiError(w, refusalStatus(ref), string(ref.Reasons[0].Code), s.refusalText("en", ref))
		return
	case err != nil:
		s.apiInternal(w, r, err)
		return
	}
	out := make([]releaseJSON, 0, len(rs))
	for _, rel := range rs {
		j := releaseOut(rel)
		if why, ok := core.DecodeRefusal(rel.Error); ok {
			j.Error = s.refusalText("en", why)
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"app": app, "releases": out})
}

func (s *Server) apiInternal(w http.ResponseWriter, r *http.Request, err error) {
	ref := randomHex(3)
	s.log.ErrorContext(r.Context(), "api request failed", "reference", ref, "err", err)
	apiError(w, http.StatusInternalServerError, "", "internal error, reference "+ref)
}

// apiError answers {"error": "…"} on one line, with the refusal code when
// there is one.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	body := map[string]string{"error": oneLine(msg)}
	if code != "" {
		body["code"] = code
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// badText says what is wrong with a text field, "" when nothing: control
// characters (C0, DEL, C1), U+FFFD (what a lone surrogate escape or an
// undecodable byte became), and the invisible and bidirectional formatting
// characters that make a field read differently from what it holds
// (U+202E turns "alice" around on a dashboard or in a chat) — a field is
// refused whole, never silently cleaned.
func badText(name, s string) string {
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return name + " contains control characters"
		case r == utf8.RuneError:
			return fmt.Sprintf("%s contains an invalid character U+FFFD (invalid UTF-8 or a lone surrogate escape)", name)
		case invisible(r):
			return fmt.Sprintf("%s contains the invisible or bidirectional control character U+%04X", name, r)
		}
	}
	return ""
}

// invisible is a bidirectional control (U+061C, U+200E–U+200F,
// U+202A–U+202E, U+2066–U+2069: Unicode's Bidi_Control property), a
// zero-width space or word joiner (U+200B, U+2060) or a byte order mark
// (U+FEFF). Zero-width (non-)joiners stay allowed: emoji and Indic text
// need them.
func invisible(r rune) bool {
	return unicode.Is(unicode.Bidi_Control, r) || r == 0x200b || r == 0x2060 || r == 0xfeff
}
