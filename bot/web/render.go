package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// assets holds the dashboard's templates, CSS and JavaScript: nothing is
// fetched from elsewhere (no CDN, no web font), so it works on a closed
// network. The playground page shares them.
//
//go:embed assets
var assets embed.FS

// pages are the page templates, each parsed with the shared partials
// (templates/*.html: layout, nav, card, badge). A new page is one file in
// templates/pages/ defining "content", rendered by its file name.
type pages struct {
	byName map[string]*template.Template
}

func loadPages() (*pages, error) {
	names, err := fs.Glob(assets, "assets/templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("listing page templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		t, err := template.New(name).ParseFS(assets, "assets/templates/*.html", n)
		if err != nil {
			return nil, fmt.Errorf("parsing page %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}

// view is what every page template gets: the reader's language, the
// navigation, helpers for words and times, and the page's own Data.
type view struct {
	s       *Server
	Lang    string
	Title   string
	Active  string // the nav entry to highlight
	User    string
	Session bool   // show the sign-out button
	LangURL string // this page in the other language
	Now     time.Time
	Data    any
}

// render writes a page; a template that fails writes nothing and answers 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.internal(w, r, fmt.Errorf("no page template %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.internal(w, r, fmt.Errorf("rendering page %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	ref := randomHex(3)
	s.log.ErrorContext(r.Context(), "web request failed", "reference", ref, "err", err)
	plain(w, http.StatusInternalServerError, "internal error, reference "+ref)
}

// newView starts a page for r in the reader's language: ?lang= (which
// also sets a cookie), else the cookie, else the configured language.
func (s *Server) newView(w http.ResponseWriter, r *http.Request, active, titleKey string) *view {
	lang := s.cfg.Language
	if c, err := r.Cookie("dingops_lang"); err == nil && (c.Value == "zh" || c.Value == "en") {
		lang = c.Value
	}
	if q := r.URL.Query().Get("lang"); q == "zh" || q == "en" {
		lang = q
		http.SetCookie(w, &http.Cookie{Name: "dingops_lang", Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode})
	}
	other := "en"
	if lang == "en" {
		other = "zh"
	}
	q := r.URL.Query()
	q.Set("lang", other)
	v := &view{s: s, Lang: lang, Active: active, LangURL: r.URL.Path + "?" + q.Encode(), Now: s.cfg.Clock.Now()}
	if p := info(r.Context()).who.Load(); p != nil {
		v.User, v.Session = p.User, p.Via == viaSession
	}
	v.Title = v.T(titleKey)
	return v
}

// T renders a dashboard sentence, falling back to the bot's catalogue
// (statuses, kinds, window reasons), with {name} placeholders from kv.
func (v *view) T(key string, kv ...any) string {
	s, ok := webText[v.Lang][key]
	if !ok {
		s = v.s.cat.Raw(v.Lang, key)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// Status words a release status.
func (v *view) Status(st core.Status) string { return v.T("status." + string(st)) }

// Tone is the badge colour of a status.
func (v *view) Tone(st core.Status) string {
	switch st {
	case core.StatusSucceeded:
		return "ok"
	case core.StatusFailed, core.StatusUnknown:
		return "bad"
	case core.StatusRejected, core.StatusExpired, core.StatusCancelled:
		return "muted"
	}
	return "busy"
}

// Kind words a release kind.
func (v *view) Kind(k core.Kind) string { return v.T("kind." + string(k)) }

// LockKind words a lock kind.
func (v *view) LockKind(k core.LockKind) string { return v.T("lock." + string(k)) }

// AuditKind words an audit event kind.
func (v *view) AuditKind(k core.AuditKind) string { return v.T("audit.kind." + string(k)) }

// Time shows a moment in the configured zone, with the zone's name.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(v.s.cfg.Zone).Format("2006-01-02 15:04:05 MST")
}

// LockReason words a lock's reason (the lock a rollback leaves is the
// engine's; a person's reason stays as they wrote it).
func (v *view) LockReason(reason string) string {
	if v.s.cfg.Texts == nil {
		return reason
	}
	return v.s.cfg.Texts.LockReason(v.Lang, reason)
}

// AuditDetail words an audit event's detail for the reader (a refusal as
// the sentences its requester read).
func (v *view) AuditDetail(ev core.AuditEvent) string {
	if v.s.cfg.Texts == nil {
		return ev.Detail
	}
	return oneLine(v.s.cfg.Texts.AuditDetail(v.Lang, ev))
}

// Clock shows a time of day in t's own zone (window spans).
func (v *view) Clock(t time.Time) string { return t.Format("15:04") }

// Dur shows a duration the way the cards do; "-" when there is none.
func (v *view) Dur(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return bot.Duration(d)
}

// Weekday words a weekday.
func (v *view) Weekday(d time.Weekday) string { return v.T(fmt.Sprintf("weekday.%d", d)) }

// Link is a dashboard path with the non-empty query values of kv (the
// language travels in a cookie).
func (v *view) Link(p string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// Join lists names the way the reader's language does.
func (v *view) Join(xs []string) string {
	if v.Lang == "zh" {
		return strings.Join(xs, "、")
	}
	return strings.Join(xs, ", ")
}
