// Package emu is the plumbing the emulators share: an HTTP listener on
// 127.0.0.1 with a closing signal, and a wait that honours the client going
// away and the emulator closing (for round-trip delays and hang faults).
package emu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Listener serves one handler in the background.
type Listener struct {
	mu      sync.Mutex
	ln      net.Listener
	srv     *http.Server
	once    sync.Once
	closing chan struct{}
}

// NewListener makes a listener that is not serving yet.
func NewListener() *Listener { return &Listener{closing: make(chan struct{})} }

// Start listens on addr ("" means 127.0.0.1:0) and serves h; name labels
// the log line if serving stops with an error.
func (l *Listener) Start(addr string, h http.Handler, name string, log *slog.Logger) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	l.mu.Lock()
	l.ln, l.srv = ln, srv
	l.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
			log.Error(name+" stopped serving", "err", err)
		}
	}()
	return nil
}

// Addr is the host:port it listens on ("" before Start).
func (l *Listener) Addr() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln == nil {
		return ""
	}
	return l.ln.Addr().String()
}

// URL is http://Addr.
func (l *Listener) URL() string { return "http://" + l.Addr() }

// Closing is closed when Close is called, releasing held requests.
func (l *Listener) Closing() <-chan struct{} { return l.closing }

// Close stops serving and releases requests held by Wait.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.closing) })
	l.mu.Lock()
	srv := l.srv
	l.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Wait holds a request for d (forever when d < 0, for a hang fault), or
// until the client goes away or the listener closes; it reports whether
// the full time passed.
func (l *Listener) Wait(ctx context.Context, d time.Duration) bool {
	if d == 0 {
		return true
	}
	var tick <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		tick = t.C
	}
	select {
	case <-tick:
		return true
	case <-ctx.Done():
	case <-l.closing:
	}
	return false
}
