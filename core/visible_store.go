package core

import (
	"context"
	"time"
)

// VisibilityStore keeps how far each deploy reached users, so a restarted
// serve shows it on cards and /status and resumes following the deploys
// it had not confirmed yet. The release store implements it (optional: an
// engine without it keeps the state in memory only).
type VisibilityStore interface {
	// SaveVisibility records v for release r, followed by owner (a
	// worker's ID); a later save replaces an earlier one.
	SaveVisibility(ctx context.Context, r Release, owner string, v Visibility) error
	// LoadVisibility is what was recorded for id; nil when nothing was.
	LoadVisibility(ctx context.Context, id ReleaseID) (*Visibility, error)
	// OpenVisibilities lists the confirmations neither confirmed nor timed out.
	OpenVisibilities(ctx context.Context) ([]OpenVisibility, error)
	// ClaimVisibility moves the following of id from owner from to to,
	// compare-and-set: false when another worker moved it first.
	ClaimVisibility(ctx context.Context, id ReleaseID, from, to string) (bool, error)
}

// OpenVisibility is a confirmation still running when last recorded.
type OpenVisibility struct {
	ReleaseID ReleaseID
	Owner     string
	Visibility
}

func (e *Engine) visibilityStore() VisibilityStore {
	vs, _ := e.cfg.Releases.(VisibilityStore)
	return vs
}

// visibility is release id's confirmation: this process's latest, else
// the recorded one.
func (e *Engine) visibility(ctx context.Context, id ReleaseID) *Visibility {
	if v := e.vis.get(id); v != nil {
		return v
	}
	vs := e.visibilityStore()
	if vs == nil {
		return nil
	}
	v, err := vs.LoadVisibility(ctx, id)
	if err != nil {
		e.log.WarnContext(ctx, "reading user-visible confirmation", "release", id, "err", err)
		return nil
	}
	return v
}

// record keeps v in memory and, when the store can, in the store.
func (e *Engine) recordVisibility(ctx context.Context, r Release, owner string, v Visibility) {
	e.vis.set(r.ID, v)
	if vs := e.visibilityStore(); vs != nil {
		if err := vs.SaveVisibility(ctx, r, owner, v); err != nil {
			e.log.WarnContext(ctx, "recording user-visible confirmation", "release", r.Label(), "err", err)
		}
	}
}

// resumeVisible picks up the confirmations a stopped process left open:
// those owned by self or by a worker not alive since aliveSince. Each is
// claimed (one replica wins), then followed again from its recorded
// switch, so the bound still counts from the deploy. One whose release is
// no longer the live one is closed as not confirmed.
func (e *Engine) resumeVisible(ctx context.Context, self string, alive func() ([]string, error)) {
	vs := e.visibilityStore()
	if vs == nil {
		return
	}
	open, err := vs.OpenVisibilities(ctx)
	if err != nil || len(open) == 0 {
		if err != nil {
			e.log.WarnContext(ctx, "reading open user-visible confirmations", "err", err)
		}
		return
	}
	live := map[string]bool{}
	if alive != nil {
		ids, err := alive()
		if err != nil {
			e.log.WarnContext(ctx, "reading live replicas", "err", err)
			return
		}
		for _, id := range ids {
			live[id] = id != self
		}
	}
	for _, o := range open {
		if live[o.Owner] {
			continue // another live replica follows it
		}
		if ok, err := vs.ClaimVisibility(ctx, o.ReleaseID, o.Owner, self); err != nil || !ok {
			continue
		}
		e.resumeOne(ctx, self, o)
	}
}

func (e *Engine) resumeOne(ctx context.Context, self string, o OpenVisibility) {
	r, err := e.cfg.Releases.Release(ctx, o.ReleaseID)
	if err != nil {
		return
	}
	live, err := e.cfg.Releases.Live(ctx, r.App)
	d := e.cfg.Deployers[r.App]
	if err != nil || live.ID != r.ID || r.Status != StatusSucceeded || d == nil {
		closed := o.Visibility
		closed.TimedOut = true
		e.recordVisibility(ctx, r, self, closed)
		return
	}
	e.log.InfoContext(ctx, "resuming user-visible confirmation", "release", r.Label(),
		"switched", o.Switched.Format(time.RFC3339))
	e.confirmVisible(r, d, o.Switched, self)
}
