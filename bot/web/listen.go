package web

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

// shutdownTimeout bounds how long requests in flight may finish when a
// listener stops.
const shutdownTimeout = 10 * time.Second

// listener is one HTTP server's life: bind (early, so a taken port fails
// `dingops serve` at start), serve, shut down.
type listener struct {
	name string
	addr string
	srv  *http.Server
	log  *slog.Logger

	mu     sync.Mutex
	ln     net.Listener
	served bool
	done   chan struct{}
}

func newListener(name, addr string, h http.Handler, log *slog.Logger) *listener {
	return &listener{name: name, addr: addr, log: log, done: make(chan struct{}),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
}

// listen binds the address once.
func (l *listener) listen() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		return fmt.Errorf("%s: listening on %s: %w", l.name, l.addr, err)
	}
	l.ln = ln
	return nil
}

// address is the bound address (useful with port 0), or the configured one
// before binding.
func (l *listener) address() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln == nil {
		return l.addr
	}
	return l.ln.Addr().String()
}

// start serves in the background; it binds first if needed.
func (l *listener) start() error {
	if err := l.listen(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.served {
		return nil
	}
	l.served = true
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			l.log.Error("http server stopped", "err", err)
		}
	}()
	l.log.Info("listening", "addr", l.ln.Addr().String())
	return nil
}

// stop lets requests in flight finish (up to shutdownTimeout) and closes.
func (l *listener) stop() error {
	l.mu.Lock()
	served, ln := l.served, l.ln
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	if !served && ln != nil {
		_ = ln.Close()
	}
	if served {
		<-l.done
	}
	return err
}
