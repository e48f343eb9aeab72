// Package cdnemu emulates the two calls of Alibaba Cloud CDN's OpenAPI
// (version 2018-05-10) that dingops makes: RefreshObjectCaches and
// DescribeRefreshTaskById. The unmodified cdn-20180510 client talks to it:
// requests are verified against the ACS3-HMAC-SHA256 signature that
// darabonba-openapi computes, and errors come back in Alibaba Cloud's JSON
// shape. It records every refreshed URL for tests and the playground.
package cdnemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/dingops/dingops/adapters/emu"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
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
	log      *slog.Logger
	idPrefix string
	l        *emu.Listener

	mu       sync.Mutex
	creds    map[string]string
	delay    time.Duration
	faults   *emu.Faults[Fault]
	tasks    []Task
	requests []Request
	nonces   map[string]bool
	seq      uint64
}

// New makes a server; it serves once Start is called (or when mounted as
// an http.Handler).
func New(opts Options) *Server {
	if opts.MaxLog <= 0 {
		opts.MaxLog = 1000
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, log: log, idPrefix: randomHex(4), l: emu.NewListener(), faults: emu.NewFaults(faultCount),
		creds: map[string]string{}, delay: opts.Delay, nonces: map[string]bool{}}
	for ak, sk := range opts.Credentials {
		s.creds[ak] = sk
	}
	return s
}

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error { return s.l.Start(s.opts.Addr, s, "cdnemu", s.log) }

// Addr is the host:port the server listens on ("" before Start); it is
// what the client's Endpoint must be set to (with Protocol "HTTP").
func (s *Server) Addr() string { return s.l.Addr() }

// URL is http://Addr.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close stops serving and releases requests held by a hang fault.
func (s *Server) Close() error { return s.l.Close() }

// SetDelay changes the delay added to each request.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// ServeHTTP answers one OpenAPI request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	defer s.record(c)
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if !s.wait(r.Context(), delay) {
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

func (s *Server) wait(ctx context.Context, d time.Duration) bool { return s.l.Wait(ctx, d) }

func (s *Server) now() time.Time {
	if s.opts.Clock != nil {
		return s.opts.Clock.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Server) nextID() (requestID string, n uint64) {
	s.mu.Lock()
	s.seq++
	n = s.seq
	s.mu.Unlock()
	h := fmt.Sprintf("%s%024X", s.idPrefix, n)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], n
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return strings.Repeat("0", 2*n)
	}
	return strings.ToUpper(hex.EncodeToString(b))
}
