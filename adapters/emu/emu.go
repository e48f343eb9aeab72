// Package emu is the plumbing the emulators share: an HTTP listener on
// 127.0.0.1 with a closing signal, and a wait that honours the client going
// away and the emulator closing (for round-trip delays and hang faults); a
// queue of injected faults; and, for the OSS and CDN emulators, Server (the
// listener with its delay, clock, logger and request numbers), Failure (an
// injected error with the service's defaults) and Log (the bounded request
// log).
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

// Faults is an emulator's queue of injected faults. Each fault applies to
// as many matching requests as its count says, in the order the faults
// were added; count reaches the count field of F.
type Faults[F any] struct {
	mu    sync.Mutex
	q     []F
	count func(*F) *int
}

// NewFaults makes an empty queue; count returns a fault's count field.
func NewFaults[F any](count func(*F) *int) *Faults[F] { return &Faults[F]{count: count} }

// Add queues f; a count of 0 or less means one request.
func (q *Faults[F]) Add(f F) {
	if n := q.count(&f); *n <= 0 {
		*n = 1
	}
	q.mu.Lock()
	q.q = append(q.q, f)
	q.mu.Unlock()
}

// Clear drops every queued fault.
func (q *Faults[F]) Clear() {
	q.mu.Lock()
	q.q = nil
	q.mu.Unlock()
}

// List returns the queued faults, each with the count it has left.
func (q *Faults[F]) List() []F {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]F(nil), q.q...)
}

// Take returns the first queued fault that matches a request and counts
// it down (dropping it at zero); false when none matches.
func (q *Faults[F]) Take(match func(F) bool) (F, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.q {
		if !match(f) {
			continue
		}
		n := q.count(&q.q[i])
		if *n--; *n == 0 {
			q.q = append(q.q[:i], q.q[i+1:]...)
		}
		return f, true
	}
	var none F
	return none, false
}
