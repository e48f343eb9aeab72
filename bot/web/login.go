package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

type loginPage struct {
	Next  string
	Wrong bool
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
// strict, Secure behind TLS, holding a MAC of the token, never the token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	next := safeNext(r.FormValue("next"))
	tok := strings.TrimSpace(r.PostFormValue("token"))
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.Token)) != 1 {
		v := s.newView(w, r, "", "login.title")
		v.Data = loginPage{Next: next, Wrong: true}
		s.render(w, r, http.StatusUnauthorized, "login", v)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.session(), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
		MaxAge: 12 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1})
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
