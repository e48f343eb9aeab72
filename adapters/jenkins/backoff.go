package jenkins

import (
	"context"
	"time"
)

// backoff is a wait that doubles from start up to max, and starts over
// when something changed.
type backoff struct {
	start, max, cur time.Duration
}

func (b *Builder) backoff() *backoff {
	return &backoff{start: b.cfg.PollInterval, max: b.cfg.PollMax, cur: b.cfg.PollInterval}
}

func (bo *backoff) next() time.Duration {
	d := bo.cur
	bo.cur = min(bo.cur*2, bo.max)
	return d
}

func (bo *backoff) reset() { bo.cur = bo.start }

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
