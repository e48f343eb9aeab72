// Package jenkinsemu is a Jenkins emulator: the part of Jenkins' remote
// access API that dingops's builder uses — parameterized triggers with a
// quiet period, the queue and its item classes, builds with parameters and
// artifacts, progressive console text, stop and cancel, the crumb issuer,
// Basic authentication with API tokens. Tests and `dingops playground` run
// it on 127.0.0.1; its inspection methods feed the playground's side panel.
//
// It keeps no goroutines of its own: every request and inspection first
// advances the state to the injected clock's now.
package jenkinsemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"github.com/dingops/dingops/adapters/emu"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Version is what the emulator reports in the X-Jenkins header.
const Version = "2.462.3"

// Options configure an emulator; zero values take the defaults given.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0.
	Addr string
	// ContextPath Jenkins is served under, e.g. "/jenkins"; default none.
	ContextPath string
	// Users maps user names to API tokens; default {"dingops": "dingops-token"}.
	Users map[string]string
	// RequireCrumb starts with crumb-less POSTs refused (see SetRequireCrumb).
	RequireCrumb bool
	// Executors is how many builds run at once; default 2.
	Executors int
	// QuietPeriod applies to triggers without a delay parameter; default
	// 5s, Jenkins' default. Negative means none.
	QuietPeriod time.Duration
	// LeftItemTTL is how long a queue item that left still answers; default
	// 5 minutes, like Jenkins.
	LeftItemTTL time.Duration
	// ArtifactName is the file builds archive; default dingops-artifact.json.
	ArtifactName string
	// BranchParam names the parameter that selects a branch outcome;
	// default DINGOPS_BRANCH.
	BranchParam string
	// MaxRequests is how many received requests are recorded; default 1000.
	MaxRequests int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger; nil discards.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	o.ContextPath = strings.TrimSuffix(o.ContextPath, "/")
	if o.Users == nil {
		o.Users = map[string]string{"dingops": "dingops-token"}
	}
	if o.Executors == 0 {
		o.Executors = 2
	}
	o.QuietPeriod = defaultDuration(o.QuietPeriod, 5*time.Second)
	o.LeftItemTTL = defaultDuration(o.LeftItemTTL, 5*time.Minute)
	o.ArtifactName = defaultString(o.ArtifactName, "dingops-artifact.json")
	o.BranchParam = defaultString(o.BranchParam, "DINGOPS_BRANCH")
	if o.MaxRequests <= 0 {
		o.MaxRequests = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func defaultDuration(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Server is one emulated Jenkins controller.
type Server struct {
	opts Options
	log  *slog.Logger
	salt string // instance secret the crumbs are derived from
	// cookie is the session cookie name; Jenkins suffixes JSESSIONID with
	// an instance id.
	cookie string

	mu           sync.Mutex
	jobs         map[string]*job
	folders      map[string]bool
	items        []*item // queue items that still answer, oldest first
	active       []*build
	nextQueueID  int64
	executors    int
	requireCrumb bool
	faults       *emu.Faults[Fault]
	requests     []Request

	l *emu.Listener
}

// New makes an emulator; Start serves it.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	return &Server{opts: opts, log: opts.Logger, salt: randomHex(16), cookie: "JSESSIONID." + randomHex(4),
		jobs: map[string]*job{}, folders: map[string]bool{}, executors: opts.Executors,
		requireCrumb: opts.RequireCrumb, l: emu.NewListener(), faults: emu.NewFaults(func(f *Fault) *int { return &f.Count })}
}

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error { return s.l.Start(s.opts.Addr, s, "jenkinsemu", s.log) }

// URL is the Jenkins root URL the clients use, without a trailing slash;
// every url field the API returns starts with it.
func (s *Server) URL() string {
	if s.l.Addr() == "" {
		return ""
	}
	return s.l.URL() + s.opts.ContextPath
}

// Addr is the host:port the emulator listens on.
func (s *Server) Addr() string { return s.l.Addr() }

// Close stops serving and releases requests held by faults.
func (s *Server) Close() error { return s.l.Close() }

// ServeHTTP answers one request: faults first, then authentication, the
// crumb check for POSTs, and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	buf := newBuffer()
	user := s.serve(buf, r)
	if buf.lost {
		s.record(r, user, 0)
		return
	}
	s.record(r, user, buf.status)
	buf.copyTo(w)
}

func (s *Server) serve(w *buffer, r *http.Request) string {
	w.Header().Set("X-Jenkins", Version)
	if f, ok := s.takeFault(r); ok {
		if !s.hold(r.Context(), f.Delay) {
			w.lost = true
			return ""
		}
		if f.Status != 0 {
			errorPage(w, f.Status, http.StatusText(f.Status))
			return ""
		}
		if f.LoseResponse {
			defer s.hold(r.Context(), time.Hour)
			w.lost = true
		}
	}
	user, ok := s.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="Jenkins"`)
		errorPage(w, http.StatusUnauthorized, "Invalid password/token for user: "+user)
		return user
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	if r.Method == http.MethodPost && !s.crumbValid(r, user) {
		errorPage(w, http.StatusForbidden, "No valid crumb was included in the request")
		return user
	}
	s.route(w, r, user)
	return user
}

// hold waits d, or until the client goes away or the emulator closes; it
// reports whether the full time passed.
func (s *Server) hold(ctx context.Context, d time.Duration) bool { return d <= 0 || s.l.Wait(ctx, d) }

func (s *Server) authenticate(r *http.Request) (string, bool) {
	user, token, ok := r.BasicAuth()
	if !ok {
		return "anonymous", false
	}
	want, known := s.opts.Users[user]
	return user, known && equalSecret(want, token)
}

func (s *Server) now() time.Time { return s.opts.Now() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = io.ReadFull(rand.Reader, b)
	return hex.EncodeToString(b)
}
