package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// statusTTL is how long the overview reuses an app's status: asking the
// target what is live (forks, OSS HEADs with retries) on every view of
// every person would load the targets for nothing.
const statusTTL = 5 * time.Second

// statusCache shares Engine.Status per app: views within statusTTL reuse
// one answer, concurrent views wait for the one call in flight, and a
// change of the app's newest release (one created, or finishing) makes the
// next view ask again. Locks are read fresh each time: they are cheap and
// people act on them.
type statusCache struct {
	eng     Engine
	records Records
	clock   core.Clock
	mu      sync.Mutex
	entries map[string]*statusEntry
}

type statusEntry struct {
	done chan struct{} // closed when st and err are set
	at   time.Time
	gen  string
	st   core.AppStatus
	err  error
}

func newStatusCache(eng Engine, records Records, clock core.Clock) *statusCache {
	return &statusCache{eng: eng, records: records, clock: clock, entries: map[string]*statusEntry{}}
}

// generation names the app's newest release and its status.
func (c *statusCache) generation(ctx context.Context, app string) string {
	rs, err := c.eng.History(ctx, app, 1)
	if err != nil || len(rs) == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%s", rs[0].ID, rs[0].Status)
}

// status is app's status, shared as described on statusCache.
func (c *statusCache) status(ctx context.Context, app string) (core.AppStatus, error) {
	gen := c.generation(ctx, app)
	c.mu.Lock()
	e := c.entries[app]
	fresh := e != nil && e.gen == gen && c.clock.Now().Sub(e.at) < statusTTL
	inFlight := e != nil && e.gen == gen && !isDone(e.done)
	if !fresh && !inFlight {
		e = &statusEntry{done: make(chan struct{}), at: c.clock.Now(), gen: gen}
		c.entries[app] = e
		go c.fill(ctx, app, e)
	}
	c.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		return core.AppStatus{}, ctx.Err()
	}
	if e.err != nil {
		return e.st, e.err
	}
	st := e.st
	if locks, err := c.records.Locks(ctx, app); err == nil {
		st.Locks = locks
	}
	// How far the live release reached users moves while the rest stands
	// still (a confirmation in progress): read it fresh, it is a memory or
	// one-row store read, not a target read.
	if vr, ok := c.eng.(visibilityReader); ok && st.Live != nil {
		st.LiveVisible = vr.Visibility(ctx, st.Live.ID)
	}
	return st, nil
}

// visibilityReader is the optional side of Engine that reads a release's
// user-visible confirmation; *core.Engine implements it.
type visibilityReader interface {
	Visibility(ctx context.Context, id core.ReleaseID) *core.Visibility
}

// fill makes the one call, detached from the first viewer's request (a
// viewer who leaves must not fail the others) but bounded by statusTimeout.
// An error is not kept: the next view asks again.
func (c *statusCache) fill(ctx context.Context, app string, e *statusEntry) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statusTimeout)
	defer cancel()
	e.st, e.err = c.eng.Status(cctx, app)
	if e.err != nil {
		c.mu.Lock()
		if c.entries[app] == e {
			delete(c.entries, app)
		}
		c.mu.Unlock()
	}
	close(e.done)
}

func isDone(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
