package web

import (
	"crypto/subtle"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

type loginPage struct {
	Next    string
	Wrong   bool
	Limited int // minutes until this address may try again; 0: not limited
}

// loginPage asks for the token; it exists only when a token is configured.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	v := s.newView(w, r, "", "login.title")
	v.Data = loginPage{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", v)
}

// login checks the token and sets the session cookie: HttpOnly, SameSite
// strict, Secure behind TLS, holding a session id and its MAC, never the
// token. Failed sign-ins are limited per address and overall
// (loginLimiter): a limited address gets 429 even with the right token, so
// guessing on gains nothing.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	next := safeNext(r.FormValue("next"))
	peer := peerOf(r.RemoteAddr)
	if wait, _, blocked := s.logins.blocked(peer); blocked {
		mins := int(math.Ceil(wait.Minutes()))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		v := s.newView(w, r, "", "login.title")
		v.Data = loginPage{Next: next, Limited: mins}
		s.render(w, r, http.StatusTooManyRequests, "login", v)
		return
	}
	tok := strings.TrimSpace(r.PostFormValue("token"))
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.Token)) != 1 {
		if hit := s.logins.failed(peer); hit != "" {
			s.log.WarnContext(r.Context(), "login rate limited", "peer", peer, "limit", hit,
				"failures", map[string]int{"peer": loginPeerFailures, "global": loginAllFailures}[hit],
				"window", loginWindow.String())
		}
		v := s.newView(w, r, "", "login.title")
		v.Data = loginPage{Next: next, Wrong: true}
		s.render(w, r, http.StatusUnauthorized, "login", v)
		return
	}
	s.logins.succeeded(peer)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.sessions.issue(), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
		MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout revokes the session for every replica (a copy of the cookie
// stops working too) and clears the cookie. When the store cannot record
// the revocation the cookie is still cleared, and the answer says the
// session lives on.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1})
	if c, err := r.Cookie(sessionCookie); err == nil && s.cfg.Token != "" {
		if err := s.sessions.revoke(r.Context(), c.Value); err != nil {
			ref := randomHex(3)
			s.log.ErrorContext(r.Context(), "dashboard sign-out not recorded", "reference", ref, "err", err)
			plain(w, http.StatusServiceUnavailable, "the sign-out could not be recorded (internal error, reference "+ref+
				"): this browser's cookie is cleared, but a copy of it stays valid until it expires; try again")
			return
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a redirect on this site: a same-origin path, never
// //host, a URL or anything a browser might read as one. Browsers drop
// tabs and newlines from URLs and read a backslash as a slash (the WHATWG
// URL standard), so "/\t/host" is "//host" to them: such bytes are refused
// outright, then the rest must parse as a bare path.
func safeNext(next string) string {
	for _, c := range []byte(next) {
		if c < 0x20 || c == 0x7f || c == '\\' || c == ' ' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}
