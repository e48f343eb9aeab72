// Package visible is the bounded, backing-off loop the container and
// mini-program targets follow a finished deploy to its users with
// (core.UserVisible), and the optional HTTP probe of a URL that answers
// with the version users get. The OSS target has its own loop
// (adapters/oss/confirm.go) because it also follows a CDN refresh task.
package visible

import (
	"context"
	"net/http"
	"time"

	"github.com/dingops/dingops/core"
)

// Defaults for Config fields left zero.
const (
	DefaultTimeout = 15 * time.Minute
	DefaultFirst   = 2 * time.Second
	DefaultMax     = 30 * time.Second
)

// Config bounds one confirmation.
type Config struct {
	// Timeout bounds the whole confirmation from the switch (default 15m);
	// past it the deploy is "not confirmed", never failed.
	Timeout time.Duration
	// First is the first poll interval (default 2s); it doubles up to Max
	// (default 30s).
	First, Max time.Duration
	// Probe, when set, must also answer with the new version.
	Probe *Probe
	// Now and Sleep default to the wall clock; tests drive them.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) bool
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.First <= 0 {
		c.First = DefaultFirst
	}
	if c.Max < c.First {
		c.Max = max(DefaultMax, c.First)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = SleepCtx
	}
	if c.Probe != nil && c.Probe.HTTP == nil {
		p := *c.Probe
		p.HTTP = &http.Client{Timeout: 10 * time.Second}
		c.Probe = &p
	}
	return c
}

// SleepCtx waits d, or less when ctx ends first (false then); the pause
// between two looks of every confirmer.
func SleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Check is one look at the target's own state: whether it says users get
// the new version (all ready pods run it; the platform reports it online).
// An error is a failed look, retried on the next round.
type Check func(ctx context.Context) (bool, error)

// Follow polls check, then the probe when one is configured, backing off,
// until both say users get the new version or the timeout passes. The
// target's confirmation is the step named step on the card when a probe
// follows it; without a probe it is the served time itself. report is
// called on each change; the last state is returned. want lists the
// strings that name the new version to the probe (a tag, a digest, a
// version string).
func Follow(ctx context.Context, cfg Config, switched time.Time, step string, check Check, want []string,
	report func(core.Visibility)) core.Visibility {
	cfg = cfg.withDefaults()
	v := core.Visibility{Switched: switched}
	report(v)
	deadline := switched.Add(cfg.Timeout)
	targetDone := false
	for wait := cfg.First; ; wait = min(2*wait, cfg.Max) {
		if !targetDone {
			if ok, err := check(ctx); err == nil && ok {
				targetDone = true
				if cfg.Probe != nil {
					v.Steps = append(v.Steps, core.VisibleStep{Name: step, At: cfg.Now()})
					report(v)
				}
			}
		}
		if targetDone && (cfg.Probe == nil || cfg.Probe.Serves(ctx, want)) {
			v.Served = cfg.Now()
			report(v)
			return v
		}
		if left := deadline.Sub(cfg.Now()); left <= 0 || !cfg.Sleep(ctx, min(wait, left)) {
			v.TimedOut = true
			report(v)
			return v
		}
	}
}

// Rounds is the most rounds Follow makes with cfg: the poll budget a
// target's load is bounded by (each round is one check and at most one
// probe GET).
func Rounds(cfg Config) int {
	cfg = cfg.withDefaults()
	n, spent := 1, time.Duration(0)
	for wait := cfg.First; spent < cfg.Timeout; wait = min(2*wait, cfg.Max) {
		spent += min(wait, cfg.Timeout-spent)
		n++
	}
	return n
}
