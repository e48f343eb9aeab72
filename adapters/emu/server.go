package emu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ServerConfig is what every HTTP emulator's Options share.
type ServerConfig struct {
	Name   string                       // labels log lines, e.g. "ossemu"
	Addr   string                       // listen address of Start; "" means 127.0.0.1:0
	Delay  time.Duration                // added to every request before it is answered
	Clock  interface{ Now() time.Time } // nil means the wall clock; core.Clock fits
	Logger *slog.Logger                 // nil discards
}

// Server is the plumbing an HTTP emulator embeds: its listener, the
// round-trip delay, the clock and logger, and request sequence numbers.
// The emulator's own ServeHTTP calls Hold first, then Fail for a queued
// fault, then does its work.
type Server struct {
	cfg ServerConfig
	l   *Listener
	Log *slog.Logger // never nil

	mu    sync.Mutex
	delay time.Duration
	seq   uint64
}

// NewServer makes the plumbing of an emulator; it serves once Start is
// called.
func NewServer(cfg ServerConfig) *Server {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, l: NewListener(), Log: log, delay: cfg.Delay}
}

// Serve listens on the configured address and serves h in the background.
func (s *Server) Serve(h http.Handler) error { return s.l.Start(s.cfg.Addr, h, s.cfg.Name, s.Log) }

// Addr is the host:port it listens on ("" before it serves).
func (s *Server) Addr() string { return s.l.Addr() }

// URL is http://Addr.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close stops serving and releases requests held by a delay or a hang.
func (s *Server) Close() error { return s.l.Close() }

// SetDelay changes the round-trip delay for the requests that follow.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Delay is the current round-trip delay.
func (s *Server) Delay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delay
}

// Hold waits the round-trip delay; false when the client gave up or the
// server closed first (the request is then not answered).
func (s *Server) Hold(ctx context.Context) bool { return s.l.Wait(ctx, s.Delay()) }

// Hang holds a request until the client gives up or the server closes: a
// hang fault.
func (s *Server) Hang(ctx context.Context) { s.l.Wait(ctx, -1) }

// Now is the emulator's clock, in UTC.
func (s *Server) Now() time.Time {
	if s.cfg.Clock != nil {
		return s.cfg.Clock.Now().UTC()
	}
	return time.Now().UTC()
}

// Next is the next request's sequence number, from 1.
func (s *Server) Next() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// Failure is an injected fault's error answer, with the emulated service's
// defaults for what the fault leaves empty.
type Failure struct {
	Status  int
	Code    string
	Message string
}

// Or fills what f leaves empty: status and code from the arguments, the
// message "Injected fault.".
func (f Failure) Or(status int, code string) Failure {
	if f.Status == 0 {
		f.Status = status
	}
	if f.Code == "" {
		f.Code = code
	}
	if f.Message == "" {
		f.Message = "Injected fault."
	}
	return f
}

// Log is an emulator's bounded request log: the newest max entries.
type Log[R any] struct {
	mu  sync.Mutex
	max int
	rs  []R
}

// NewLog keeps the newest max requests (1000 when max <= 0).
func NewLog[R any](max int) *Log[R] {
	if max <= 0 {
		max = 1000
	}
	return &Log[R]{max: max}
}

// Add appends r, dropping the oldest past the bound.
func (l *Log[R]) Add(r R) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rs = append(l.rs, r)
	if over := len(l.rs) - l.max; over > 0 {
		l.rs = append(l.rs[:0:0], l.rs[over:]...)
	}
}

// List returns the logged requests, oldest first, each passed through
// clone (nil keeps them as they are) so callers cannot change the log.
func (l *Log[R]) List(clone func(R) R) []R {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]R, len(l.rs))
	for i, r := range l.rs {
		if clone != nil {
			r = clone(r)
		}
		out[i] = r
	}
	return out
}

// Reset forgets every logged request.
func (l *Log[R]) Reset() {
	l.mu.Lock()
	l.rs = nil
	l.mu.Unlock()
}

// RandomHex is n random bytes in upper-case hex (zeros if the system has no
// randomness), for request id prefixes that differ between runs.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return strings.Repeat("0", 2*n)
	}
	return strings.ToUpper(hex.EncodeToString(b))
}
