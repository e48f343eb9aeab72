package core

import (
	"context"
	"sync"
	"time"
)

// StepVisible is a change in how far a finished deploy has reached users
// (Visibility); the release itself is unchanged, so a notifier only
// refreshes its card.
const StepVisible Step = "visible"

// Visibility is how far a deploy has reached its users, as a deployer that
// can tell (UserVisible) reports it: when the target switched, the steps
// after it (a CDN refresh done, old pods gone) and when users were served
// the new version. A timeout is "not confirmed", never a failure.
type Visibility struct {
	Switched time.Time
	Steps    []VisibleStep
	Served   time.Time
	TimedOut bool
}

// VisibleStep is one step between the switch and users: Name is a short
// word the bot's catalogue names (e.g. "cdn").
type VisibleStep struct {
	Name string
	At   time.Time
}

// Confirmed reports whether users are served the new version.
func (v Visibility) Confirmed() bool { return !v.Served.IsZero() }

// UserVisible is a deployer that can confirm, after Deploy returned, that
// users get the new artifact. ConfirmVisible polls within its own bound
// and calls report on each change; it is run in the background.
type UserVisible interface {
	ConfirmVisible(ctx context.Context, req DeployRequest, switched time.Time, report func(Visibility)) Visibility
}

// visibleState holds each recent deploy's Visibility, in memory; the
// store, when it can, keeps it across restarts (visible_store.go).
type visibleState struct {
	mu sync.Mutex
	m  map[ReleaseID]Visibility
}

const maxVisibleKept = 256

func (s *visibleState) set(id ReleaseID, v Visibility) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[ReleaseID]Visibility{}
	}
	if len(s.m) >= maxVisibleKept {
		for k := range s.m { // forget an arbitrary old one; bounded memory
			delete(s.m, k)
			break
		}
	}
	s.m[id] = v
}

func (s *visibleState) get(id ReleaseID) *Visibility {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.m[id]; ok {
		return &v
	}
	return nil
}

// Visibility is what is known of how far release id reached users; nil
// when its deployer cannot tell.
func (e *Engine) Visibility(ctx context.Context, id ReleaseID) *Visibility {
	return e.visibility(ctx, id)
}

// confirmVisible starts the background confirmation of a finished deploy
// when the deployer can tell; each change refreshes the release's card.
// owner is the following worker's ID, recorded with the state
// (visible_store.go) so a restarted serve resumes it.
func (e *Engine) confirmVisible(r Release, d Deployer, switched time.Time, owner string) {
	uv, ok := d.(UserVisible)
	if !ok {
		return
	}
	req := DeployRequest{App: r.App, ReleaseID: r.ID, Version: r.Version, Kind: r.Kind, Requester: r.Requester,
		Artifact: r.Artifact}
	go func() {
		ctx := context.Background()
		// Only a deploy recorded as succeeded (not cancelled meanwhile).
		cur, err := e.cfg.Releases.Release(ctx, r.ID)
		if err != nil || cur.Status != StatusSucceeded {
			return
		}
		r = cur
		report := func(v Visibility) {
			e.recordVisibility(ctx, r, owner, v)
			e.notify(ctx, r, StepVisible, "")
		}
		// A deployer not configured to confirm returns at once without
		// reporting; nothing is shown then.
		v := uv.ConfirmVisible(ctx, req, switched, report)
		if e.cfg.Observe != nil && v.Confirmed() {
			e.cfg.Observe(r, v.Served.Sub(switched))
		}
	}()
}
