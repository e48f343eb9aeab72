package stream

import (
	"context"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// Notifier is the core.Notifier of the DingTalk transport: it updates every
// card of a release in place as the release moves, and tells the requester
// the outcome 1:1 when it ends. Notify only queues: per release the latest
// event wins, an end is never lost, and one background goroutine does the
// OpenAPI calls in order, so the worker never waits for DingTalk.
type Notifier struct {
	t        *Transport
	mu       sync.Mutex
	pending  map[core.ReleaseID]*update
	progress map[core.ReleaseID]string // latest progress line of a running release
	held     map[core.ReleaseID]int    // card clicks being answered
	busy     bool
	wake     chan struct{}
}

var _ core.Notifier = (*Notifier)(nil)

// update is the coalesced news about one release.
type update struct {
	id    core.ReleaseID
	last  core.Event
	end   *core.Event // the event that ended the release, kept whatever follows
	notAt time.Time   // real time before which it waits (after a click or a failed read); zero = now
	tries int         // failed attempts to read the release for its cards
}

func newNotifier(t *Transport) *Notifier {
	return &Notifier{t: t, pending: map[core.ReleaseID]*update{}, progress: map[core.ReleaseID]string{},
		held: map[core.ReleaseID]int{}, wake: make(chan struct{}, 1)}
}

// Notify queues ev and returns at once.
func (n *Notifier) Notify(_ context.Context, ev core.Event) {
	id := ev.Release.ID
	if ev.Step == core.StepVisible {
		n.refresh(id) // the release is unchanged: re-render its cards, tell no one
		return
	}
	n.mu.Lock()
	if ev.Step == core.StepProgress && ev.Message != "" {
		n.progress[id] = ev.Message
	}
	u := n.pending[id]
	if u == nil {
		u = &update{id: id}
		n.pending[id] = u
	}
	u.last = ev
	if ev.Release.Status.Final() {
		end := ev
		u.end = &end
	}
	n.mu.Unlock()
	n.poke()
}

func (n *Notifier) poke() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// hold keeps updates of a release back while a click on its card is being
// answered.
func (n *Notifier) hold(id core.ReleaseID) {
	n.mu.Lock()
	n.held[id]++
	n.mu.Unlock()
}

// settle ends a hold. When the click's answer changed the public card, the
// release's cards are refreshed CallbackSettle later from the store: the
// answer is applied by DingTalk after the ack, and an update sent before
// that would be undone by it. Real time, not the injected clock: this is
// about network ordering.
func (n *Notifier) settle(id core.ReleaseID, refresh bool) {
	n.mu.Lock()
	if n.held[id]--; n.held[id] <= 0 {
		delete(n.held, id)
	}
	u := n.pending[id]
	if u == nil && refresh {
		u = &update{id: id, last: core.Event{Release: core.Release{ID: id}}}
		n.pending[id] = u
	}
	if u != nil && refresh {
		u.notAt = time.Now().Add(n.t.cfg.CallbackSettle)
	}
	n.mu.Unlock()
	n.poke()
}

// loop sends queued updates until ctx ends.
func (n *Notifier) loop(ctx context.Context) {
	for {
		batch, wait := n.take()
		for _, u := range batch {
			n.send(ctx, u)
		}
		n.mu.Lock()
		n.busy = false
		n.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-n.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// take removes the updates that may go now, and says how long until the
// next waiting one may.
func (n *Notifier) take() ([]*update, time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	now, wait := time.Now(), time.Hour
	var out []*update
	for id, u := range n.pending {
		switch {
		case n.held[id] > 0:
		case u.notAt.After(now):
			wait = min(wait, u.notAt.Sub(now))
		default:
			out = append(out, u)
			delete(n.pending, id)
		}
	}
	n.busy = len(out) > 0
	return out, wait
}

// waitIdle waits, at most timeout, until nothing is queued or being sent,
// and says whether that happened.
func (n *Notifier) waitIdle(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		n.mu.Lock()
		idle := len(n.pending) == 0 && !n.busy
		n.mu.Unlock()
		if idle {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
