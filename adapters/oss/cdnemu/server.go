// Package cdnemu emulates the two calls of Alibaba Cloud CDN's OpenAPI
// (version 2018-05-10) that dingops makes: RefreshObjectCaches and
// DescribeRefreshTaskById. The unmodified cdn-20180510 client talks to it:
// requests are verified against the ACS3-HMAC-SHA256 signature that
// darabonba-openapi computes, and errors come back in Alibaba Cloud's JSON
// shape. It records every refreshed URL for tests and the playground.
package cdnemu

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dingops/dingops/adapters/emu"
)

// Options configure a Server.
type Options struct {
	// Credentials maps AccessKeyId to secret.
	Credentials map[string]string
	// Domains are the accelerated domains refreshes may name; empty accepts
	// any domain.
	Domains []string
	// Delay is added to every request before it is answered.
	Delay time.Duration
	// RefreshTime is how long a refresh task takes to take effect: until
	// then DescribeRefreshTaskById reports it Refreshing and an Edge serves
	// the copy it cached before (edge.go). 0 completes tasks at once.
	RefreshTime time.Duration
	// Clock stamps refresh tasks; nil means the wall clock. core.Clock fits.
	Clock interface{ Now() time.Time }
	// Addr is the listen address of Start; "" means 127.0.0.1:0.
	Addr string
	// MaxLog is how many requests the log keeps (default 1000).
	MaxLog int
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
}

// Server is a CDN OpenAPI emulator. Use New.
type Server struct {
	opts     Options
	base     *emu.Server
	log      *slog.Logger
	idPrefix string
	faults   *emu.Faults[Fault]
	requests *emu.Log[Request]

	mu     sync.Mutex
	creds  map[string]string
	tasks  []Task
	nonces map[string]bool
}

// New makes a server; it serves once Start is called (or when mounted as
// an http.Handler).
func New(opts Options) *Server {
	base := emu.NewServer(emu.ServerConfig{Name: "cdnemu", Addr: opts.Addr, Delay: opts.Delay, Clock: opts.Clock,
		Logger: opts.Logger})
	s := &Server{opts: opts, base: base, log: base.Log, idPrefix: emu.RandomHex(4), faults: emu.NewFaults(faultCount),
		requests: emu.NewLog[Request](opts.MaxLog), creds: map[string]string{}, nonces: map[string]bool{}}
	for ak, sk := range opts.Credentials {
		s.creds[ak] = sk
	}
	return s
}

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error { return s.base.Serve(s) }

// Addr is the host:port the server listens on ("" before Start); it is
// what the client's Endpoint must be set to (with Protocol "HTTP").
func (s *Server) Addr() string { return s.base.Addr() }

// URL is http://Addr.
func (s *Server) URL() string { return s.base.URL() }

// Close stops serving and releases requests held by a hang fault.
func (s *Server) Close() error { return s.base.Close() }

// SetDelay changes the delay added to each request.
func (s *Server) SetDelay(d time.Duration) { s.base.SetDelay(d) }

// ServeHTTP answers one OpenAPI request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	defer s.record(c)
	if !s.base.Hold(r.Context()) {
		return
	}
	if f, ok := s.faults.Take(func(f Fault) bool { return f.Action == "" || f.Action == c.action }); ok {
		s.applyFault(c, f)
		return
	}
	if e := s.authenticate(c); e != nil {
		c.fail(e)
		return
	}
	switch c.action {
	case "RefreshObjectCaches":
		s.refreshObjectCaches(c)
	case "DescribeRefreshTaskById":
		s.describeRefreshTask(c)
	default:
		c.fail(&apiError{http.StatusNotFound, "InvalidAction.NotFound",
			"Specified api is not found, please check your url and method."})
	}
}

func (s *Server) now() time.Time { return s.base.Now() }

func (s *Server) nextID() (requestID string, n uint64) {
	n = s.base.Next()
	h := fmt.Sprintf("%s%024X", s.idPrefix, n)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], n
}
