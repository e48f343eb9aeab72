package core

import (
	"context"
	"sync"
)

// How the worker re-checks releases left in StatusUnknown on its own, so
// an outcome is settled by a live read even when nobody asks (/status, a
// rollback request). It is bounded: one round at a time, at most
// unknownPerRound reads a round, and a release whose target still cannot
// be read is read again after a gap that doubles, in poll rounds, up to
// unknownMaxGap (with the default 2 s poll: 2 s, 4 s, … about 4 min).
const (
	unknownPerRound = 5
	unknownFind     = 50
	unknownMaxGap   = 128
)

// unknownRechecks is the worker's state for re-checking unknown outcomes.
type unknownRechecks struct {
	mu    sync.Mutex
	busy  bool
	round int
	next  map[ReleaseID]unknownBackoff // not read before round next[id].at
}

type unknownBackoff struct{ at, gap int }

// recheckUnknown starts a re-check round in the background unless one is
// still running (a target that hangs delays only its own round). The round
// ends with ctx: a shutdown cuts the reads short and records nothing for
// them.
func (w *Worker) recheckUnknown(ctx context.Context) {
	u := &w.unknown
	u.mu.Lock()
	if u.busy {
		u.mu.Unlock()
		return
	}
	u.busy = true
	u.round++
	round := u.round
	u.mu.Unlock()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() { u.mu.Lock(); u.busy = false; u.mu.Unlock() }()
		if err := w.recheckRound(ctx, round); err != nil && ctx.Err() == nil {
			w.e.log.ErrorContext(ctx, "re-checking unknown outcomes", "worker", w.cfg.ID, "err", err)
		}
	}()
}

// recheckRound reads the target of the unknown releases due this round
// and records what it shows; a release still unreadable backs off.
func (w *Worker) recheckRound(ctx context.Context, round int) error {
	rs, err := w.e.cfg.Releases.Find(ctx, ReleaseFilter{Statuses: []Status{StatusUnknown}, Limit: unknownFind})
	if err != nil {
		return err
	}
	due := w.unknown.due(rs, round)
	for _, r := range due {
		if ctx.Err() != nil {
			return nil
		}
		d, err := w.e.deployer(r.App)
		if err != nil {
			w.unknown.backOff(r.ID, round)
			continue
		}
		ok, err := readLanded(ctx, d, unknownRequest(r))
		if err != nil {
			w.unknown.backOff(r.ID, round)
			continue
		}
		w.e.recordSettled(ctx, r, ok)
		w.unknown.forget(r.ID)
	}
	return nil
}

// due picks at most unknownPerRound of rs whose gap has passed, and drops
// the state of releases no longer unknown.
func (u *unknownRechecks) due(rs []Release, round int) []Release {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.next == nil {
		u.next = map[ReleaseID]unknownBackoff{}
	}
	open := map[ReleaseID]bool{}
	var out []Release
	for _, r := range rs {
		open[r.ID] = true
		if b, ok := u.next[r.ID]; ok && round < b.at {
			continue
		}
		if len(out) < unknownPerRound {
			out = append(out, r)
		}
	}
	for id := range u.next {
		if !open[id] {
			delete(u.next, id)
		}
	}
	return out
}

// backOff doubles the gap before release id is read again.
func (u *unknownRechecks) backOff(id ReleaseID, round int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	b := u.next[id]
	b.gap = min(max(2*b.gap, 1), unknownMaxGap)
	b.at = round + b.gap
	u.next[id] = b
}

func (u *unknownRechecks) forget(id ReleaseID) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.next, id)
}
