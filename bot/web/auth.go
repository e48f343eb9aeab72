package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dingops/dingops/core/redact"
)

// How a request was authenticated.
const (
	viaToken   = "token"   // Authorization: Bearer <server.api_token_env>
	viaHeader  = "header"  // the trusted reverse proxy's user header
	viaSession = "session" // the dashboard cookie set by /login (read-only)
	viaLocal   = "local"   // no authentication configured, loopback only
)

// principal is who a request acts as.
type principal struct {
	User string
	Via  string
}

// sessionCookie holds a session id with its MAC (sessions), never the token.
const sessionCookie = "dingops_session"

type requestInfo struct {
	id      string
	who     atomic.Pointer[principal]
	release atomic.Int64
}

type infoKey struct{}

func info(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(infoKey{}).(*requestInfo)
	if ri == nil {
		ri = &requestInfo{}
	}
	return ri
}

var requestIDRule = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// access gives every request an id (a sane X-Request-Id, or a new one) that
// every log line of the request carries, sets security headers, refuses
// foreign Host headers when open, and logs one line when it ends.
func (s *Server) access(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !requestIDRule.MatchString(ri.id) {
			ri.id = randomHex(8)
		}
		ctx := redact.WithLogAttrs(context.WithValue(r.Context(), infoKey{}, ri), slog.String("request_id", ri.id))
		h := w.Header()
		h.Set("X-Request-Id", ri.id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; "+
			"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		if s.open && !LoopbackHost(r.Host) {
			// A page elsewhere could reach a localhost server through DNS
			// rebinding; only a loopback Host is ours.
			plain(rec, http.StatusForbidden, "forbidden: this dingops listens on localhost only")
		} else {
			next.ServeHTTP(rec, r.WithContext(ctx))
		}
		s.logRequest(ctx, r, rec.status, time.Since(start), ri)
	})
}

func (s *Server) logRequest(ctx context.Context, r *http.Request, status int, took time.Duration, ri *requestInfo) {
	attrs := []any{"method", r.Method, "path", r.URL.Path, "status", status, "ms", took.Milliseconds()}
	if p := ri.who.Load(); p != nil {
		attrs = append(attrs, "via", p.Via, "user", p.User)
	}
	if id := ri.release.Load(); id != 0 {
		attrs = append(attrs, "release", id)
	}
	level := slog.LevelInfo
	if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/") {
		level = slog.LevelDebug
	}
	s.log.Log(ctx, level, "http request", attrs...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the writer underneath (to
// flush server-sent events).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// LoopbackHost says whether a request's Host (host or host:port) names
// this machine: localhost or a loopback address. An open listener answers
// only such requests, which keeps DNS rebinding out.
func LoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authenticate finds who a request acts as; ok is false with a reason when
// no one. A wrong bearer token is refused even when another way would do:
// a client that sends one means to use it.
func (s *Server) authenticate(r *http.Request) (principal, string, bool) {
	if a := r.Header.Get("Authorization"); a != "" {
		tok, isBearer := strings.CutPrefix(a, "Bearer ")
		if isBearer && s.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.cfg.Token)) == 1 {
			return principal{User: "api", Via: viaToken}, "", true
		}
		return principal{}, "invalid bearer token", false
	}
	if h := s.cfg.TrustedUserHeader; h != "" {
		if u := strings.TrimSpace(r.Header.Get(h)); u != "" && len(u) <= 200 && s.proxies.believes(r.Context(), r.RemoteAddr) {
			return principal{User: u, Via: viaHeader}, "", true
		}
	}
	if s.cfg.Token != "" {
		if c, err := r.Cookie(sessionCookie); err == nil {
			ok, err := s.sessions.valid(r.Context(), c.Value)
			if err != nil {
				s.log.ErrorContext(r.Context(), "checking a dashboard session", "err", err)
			}
			if ok {
				return principal{User: "dashboard", Via: viaSession}, "", true
			}
		}
	}
	if s.open {
		return principal{User: "local", Via: viaLocal}, "", true
	}
	return principal{}, "authentication required: a bearer token" + s.orHeader(), false
}

func (s *Server) orHeader() string {
	if s.cfg.TrustedUserHeader == "" {
		return ""
	}
	return " or the " + s.cfg.TrustedUserHeader + " header of the authenticating proxy"
}

// reader lets in anyone authenticated; an HTML page without a session goes
// to /login, an API call gets 401.
func (s *Server) reader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, why, ok := s.authenticate(r)
		if !ok {
			s.unauthorized(w, r, why)
			return
		}
		info(r.Context()).who.Store(&p)
		next.ServeHTTP(w, r)
	})
}

// writer is reader for changes: the read-only dashboard session may not.
func (s *Server) writer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, why, ok := s.authenticate(r)
		switch {
		case !ok:
			s.unauthorized(w, r, why)
			return
		case p.Via == viaSession:
			apiError(w, http.StatusForbidden, "", "the dashboard session is read-only: send the bearer token")
			return
		}
		info(r.Context()).who.Store(&p)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, why string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dingops"`)
		apiError(w, http.StatusUnauthorized, "", why)
		return
	}
	if s.cfg.Token != "" {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	plain(w, http.StatusUnauthorized, "unauthorized: "+why)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
