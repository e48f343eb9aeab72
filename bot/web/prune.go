package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/dingops/dingops/core"
)

// Prunable is a store of records that only matter for a while: the inbound
// message dedupe records and the announcement records. The audit log and
// releases are never pruned.
type Prunable interface {
	// Prune deletes records older than before and reports how many went.
	Prune(ctx context.Context, before time.Time) (int, error)
}

// PruneFunc adapts a method with Prune's shape but another name (e.g.
// store.Store.PruneAnnouncements) to Prunable.
type PruneFunc func(ctx context.Context, before time.Time) (int, error)

// Prune calls f.
func (f PruneFunc) Prune(ctx context.Context, before time.Time) (int, error) { return f(ctx, before) }

// PrunerConfig is what a Pruner is built from.
type PrunerConfig struct {
	// Stores to prune, by a name for the logs.
	Stores    map[string]Prunable
	Retention time.Duration // server.retention; default 720h
	Interval  time.Duration // default 1h
	Clock     core.Clock
	Logger    *slog.Logger
}

// Pruner is the `dingops serve` service that deletes old dedupe and
// announcement records on a schedule. Every replica may run one: a prune is
// an idempotent delete.
type Pruner struct {
	cfg   PrunerConfig
	names []string
	log   *slog.Logger
}

// NewPruner builds a pruner.
func NewPruner(cfg PrunerConfig) *Pruner {
	if cfg.Retention <= 0 {
		cfg.Retention = 720 * time.Hour
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Hour
	}
	if cfg.Clock == nil {
		cfg.Clock = core.WallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p := &Pruner{cfg: cfg, log: cfg.Logger.With("service", "pruner")}
	for n := range cfg.Stores {
		p.names = append(p.names, n)
	}
	sort.Strings(p.names)
	return p
}

// Name is the service name.
func (p *Pruner) Name() string { return "pruner" }

// Run prunes at once and then every Interval until ctx ends. A failed prune
// is logged and retried at the next tick; it never stops the service.
func (p *Pruner) Run(ctx context.Context) error {
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		if err := p.PruneOnce(ctx); err != nil && ctx.Err() == nil {
			p.log.ErrorContext(ctx, "pruning old records", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// PruneOnce prunes every store of records older than the retention; a
// store that fails does not stop the others.
func (p *Pruner) PruneOnce(ctx context.Context) error {
	before := p.cfg.Clock.Now().Add(-p.cfg.Retention)
	var errs []error
	for _, n := range p.names {
		count, err := p.cfg.Stores[n].Prune(ctx, before)
		if err != nil {
			errs = append(errs, fmt.Errorf("pruning %s: %w", n, err))
			continue
		}
		level := slog.LevelDebug
		if count > 0 {
			level = slog.LevelInfo
		}
		p.log.Log(ctx, level, "pruned old records", "store", n, "deleted", count, "before", before)
	}
	return errors.Join(errs...)
}
