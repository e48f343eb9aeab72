package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Database is the store as readiness sees it; *store.Store implements it.
type Database interface {
	Ping(ctx context.Context) error
	// Pending counts migrations not applied yet.
	Pending(ctx context.Context) (int, error)
}

// Stream is the DingTalk stream connection as readiness sees it; bot/stream's
// Transport implements it.
type Stream interface {
	Connected() bool
}

// StreamFunc adapts a function to Stream.
type StreamFunc func() bool

// Connected calls f.
func (f StreamFunc) Connected() bool { return f() }

// OpsConfig is what the ops listener is built from.
type OpsConfig struct {
	Addr string   // server.ops_addr
	DB   Database // required
	// Stream is checked by /readyz; nil when DingTalk is not configured.
	Stream Stream
	// Metrics serves /metrics (metrics.Metrics.Handler); nil answers 404.
	Metrics      http.Handler
	CheckTimeout time.Duration // per readiness check; default 2s
	Logger       *slog.Logger
}

// Ops is the ops listener of `dingops serve`: /healthz (the process is
// alive), /readyz (store reachable, migrations current, stream connected,
// not draining) and /metrics. It has no authentication and serves nothing
// secret; keep it inside the cluster.
type Ops struct {
	cfg      OpsConfig
	l        *listener
	draining atomic.Bool
	ready    atomic.Bool // the last answer, to log changes only
}

// NewOps builds the ops listener; Listen or Run binds it.
func NewOps(cfg OpsConfig) (*Ops, error) {
	if cfg.DB == nil {
		return nil, errors.New("ops listener: a database is required")
	}
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cfg.Logger = cfg.Logger.With("listener", "ops")
	o := &Ops{cfg: cfg}
	o.l = newListener("ops", cfg.Addr, o.Handler(), cfg.Logger)
	return o, nil
}

// Handler serves the ops endpoints.
func (o *Ops) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { plain(w, http.StatusOK, "ok") })
	mux.HandleFunc("GET /readyz", o.readyz)
	if o.cfg.Metrics != nil {
		mux.Handle("GET /metrics", o.cfg.Metrics)
	}
	return mux
}

// Name is the service name.
func (o *Ops) Name() string { return "ops-http" }

// Listen binds the address, so a taken port fails start-up with one line.
func (o *Ops) Listen() error { return o.l.listen() }

// Addr is the bound address.
func (o *Ops) Addr() string { return o.l.address() }

// Run serves until ctx ends, then reports not ready ("draining") and
// returns, while it keeps answering: the liveness probe must pass for as
// long as the worker drains. Close stops it; so does the process exit.
func (o *Ops) Run(ctx context.Context) error {
	if err := o.l.start(); err != nil {
		return err
	}
	<-ctx.Done()
	o.draining.Store(true)
	return nil
}

// Close stops the listener.
func (o *Ops) Close() error { return o.l.stop() }

func (o *Ops) readyz(w http.ResponseWriter, r *http.Request) {
	why := o.notReady(r.Context())
	if was := o.ready.Swap(len(why) == 0); was != (len(why) == 0) {
		if len(why) == 0 {
			o.cfg.Logger.Info("ready")
		} else {
			o.cfg.Logger.Warn("not ready", "why", strings.Join(why, "; "))
		}
	}
	if len(why) > 0 {
		plain(w, http.StatusServiceUnavailable, "not ready: "+strings.Join(why, "; "))
		return
	}
	plain(w, http.StatusOK, "ready")
}

// notReady lists every reason the replica should not get traffic.
func (o *Ops) notReady(ctx context.Context) []string {
	var why []string
	if o.draining.Load() {
		why = append(why, "draining")
	}
	ctx, cancel := context.WithTimeout(ctx, o.cfg.CheckTimeout)
	defer cancel()
	if err := o.cfg.DB.Ping(ctx); err != nil {
		return append(why, "store unreachable: "+oneLine(err.Error()))
	}
	switch n, err := o.cfg.DB.Pending(ctx); {
	case err != nil:
		why = append(why, "reading migrations: "+oneLine(err.Error()))
	case n > 0:
		why = append(why, fmt.Sprintf("%d migration(s) pending", n))
	}
	if o.cfg.Stream != nil && !o.cfg.Stream.Connected() {
		why = append(why, "DingTalk stream not connected")
	}
	return why
}

func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body+"\n")
}

// oneLine keeps an error or a refusal on one line for bodies and JSON: a
// list of reasons ("…:\n- a\n- b") becomes "…: a; b".
func oneLine(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, ":\n- ", ": "), "\n- ", "; ")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
