package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// Engine is the slice of core.Engine the web side calls.
type Engine interface {
	App(name string) (*core.App, *core.Refusal)
	Apps() []*core.App
	Status(ctx context.Context, app string) (core.AppStatus, error)
	History(ctx context.Context, app string, n int) ([]core.Release, error)
	Record(ctx context.Context, req core.RecordRequest) (core.Release, bool, error)
}

// Records is the store's read side the dashboard shows, and the audit log
// dashboard sign-outs are recorded in (every replica reads them back, see
// sessions); *store.Store implements it.
type Records interface {
	Audit(ctx context.Context, f core.AuditFilter) ([]core.AuditEvent, error)
	Append(ctx context.Context, ev core.AuditEvent) error
	Locks(ctx context.Context, app string) ([]core.Lock, error)
}

// WindowPlanner lists an app's release windows day by day; nil when the
// configuration has no windows. core.AppWindows implements it.
type WindowPlanner interface {
	WindowPlan(app string, from time.Time, days int) ([]core.DayPlan, *time.Location, bool)
}

// Texts renders refusals, release notes, lock reasons and audit details
// in a language; *bot.Bot implements it.
type Texts interface {
	RefusalText(ctx context.Context, lang string, err error) string
	ReleaseNote(lang string, r core.Release) string
	LockReason(lang, reason string) string
	AuditDetail(lang string, ev core.AuditEvent) string
}

// Config is what the web listener is built from.
type Config struct {
	Addr string // server.web_addr
	// Token is the bearer token of the API and dashboard (the value of
	// server.api_token_env); "" means none.
	Token string
	// TrustedUserHeader names the header an authenticating reverse proxy
	// sets to the user's name; "" means none.
	TrustedUserHeader string
	Engine            Engine
	Records           Records
	Windows           WindowPlanner // optional
	Texts             Texts         // optional: refusals in their log form without it
	Language          string        // dashboard default: zh (default) or en
	Zone              *time.Location
	WindowDays        int   // days of windows shown; default 14
	MaxBody           int64 // API request body limit; default 64 KiB
	Clock             core.Clock
	Logger            *slog.Logger

	// TrustedProxies are the peers whose TrustedUserHeader is believed
	// (server.trusted_proxies, configs.Server.TrustedProxyPrefixes); empty
	// means loopback only.
	TrustedProxies []netip.Prefix
	// Alerts, if set, serves the alert endpoints (docs/alerts.md) behind
	// the same token as the record API; AlertMaxBody caps their bodies
	// (default 256 KiB).
	Alerts       AlertIntake
	AlertMaxBody int64
	Redactor     Redactor // optional: masks secrets in every response
}

// Server is the web listener of `dingops serve`: the read-only dashboard
// and the release-record API, behind the bearer token or the trusted
// proxy header, or open when it listens on localhost only.
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	l     *listener
	log   *slog.Logger
	cat   *bot.Catalog
	pages *pages
	open  bool // no authentication configured: loopback only
	// proxies decides whose TrustedUserHeader is believed.
	proxies *proxyTrust
	// sessions issues, checks and revokes dashboard cookies; logins
	// limits failed sign-ins.
	sessions *sessions
	logins   *loginLimiter
	status   *statusCache // the overview's shared Engine.Status
}

// New checks cfg and builds the server; Listen or Run binds it. Without a
// token or trusted header it refuses an address that is not loopback.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil || cfg.Records == nil {
		return nil, errors.New("web: engine and records are required")
	}
	open := cfg.Token == "" && cfg.TrustedUserHeader == ""
	if open && !loopback(cfg.Addr) {
		return nil, fmt.Errorf("web: server.web_addr %s is reachable from other machines but no server.api_token_env "+
			"or server.trusted_user_header is set; set one, or listen on 127.0.0.1", cfg.Addr)
	}
	cfg = cfg.withDefaults()
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), log: cfg.Logger, cat: bot.NewCatalog(), pages: p, open: open,
		proxies:  newProxyTrust(cfg.TrustedUserHeader, cfg.TrustedProxies, cfg.Logger),
		sessions: newSessions(cfg.Token, cfg.Clock, cfg.Records), logins: newLoginLimiter(cfg.Clock),
		status: newStatusCache(cfg.Engine, cfg.Records, cfg.Clock)}
	s.routes()
	s.l = newListener("web", cfg.Addr, s.Handler(), cfg.Logger)
	return s, nil
}

func (c Config) withDefaults() Config {
	if c.Language != "en" {
		c.Language = "zh"
	}
	if c.Zone == nil {
		c.Zone = time.UTC
	}
	if c.WindowDays <= 0 {
		c.WindowDays = 14
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 64 << 10
	}
	if c.Clock == nil {
		c.Clock = core.WallClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c.Logger = c.Logger.With("listener", "web")
	return c
}

// loopback reports whether addr listens on the loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Handle adds a route behind the same authentication as the dashboard
// (the playground page uses it).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, s.reader(h)) }

// Handler is the whole web side, with request ids, access logs and
// security headers.
func (s *Server) Handler() http.Handler { return s.access(s.masked(s.mux)) }

// Name is the service name.
func (s *Server) Name() string { return "web-http" }

// Listen binds the address, so a taken port fails start-up with one line.
func (s *Server) Listen() error { return s.l.listen() }

// Addr is the bound address.
func (s *Server) Addr() string { return s.l.address() }

// Run serves until ctx ends, then lets requests in flight finish.
func (s *Server) Run(ctx context.Context) error {
	if err := s.l.start(); err != nil {
		return err
	}
	<-ctx.Done()
	return s.l.stop()
}

// Close stops the listener (Run does when its context ends).
func (s *Server) Close() error { return s.l.stop() }

func (s *Server) routes() {
	s.mux.Handle("GET /static/", staticHandler())
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.Handle("GET /{$}", s.reader(http.HandlerFunc(s.overview)))
	s.mux.Handle("GET /apps/{app}", s.reader(http.HandlerFunc(s.appPage)))
	s.mux.Handle("GET /audit", s.reader(http.HandlerFunc(s.auditPage)))
	s.mux.Handle("GET /locks", s.reader(http.HandlerFunc(s.locksPage)))
	s.mux.Handle("GET /windows", s.reader(http.HandlerFunc(s.windowsPage)))
	s.mux.Handle("/api/v1/releases", s.api(s.writer(http.HandlerFunc(s.postRelease)), http.MethodPost))
	s.mux.Handle("/api/v1/apps/{app}/releases", s.api(s.reader(http.HandlerFunc(s.getReleases)), http.MethodGet))
	s.alertRoutes()
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		apiError(w, http.StatusNotFound, "", "no such API; see docs/production.md")
	})
}
