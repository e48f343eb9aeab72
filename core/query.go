package core

import (
	"context"
	"errors"
	"fmt"
)

// AppStatus is what /status shows for one app.
type AppStatus struct {
	App          *App
	Live         *Release
	LiveArtifact Artifact
	LiveErr      string
	Active       *Release
	Unknown      *Release // a release whose deploy outcome is not known yet
	Locks        []Lock
	Window       *Reason // why releases are closed now, if they are
	// LiveVisible is how far the live release reached users (visible.go);
	// nil when unknown.
	LiveVisible *Visibility
}

// Status reports what is live, what is running and what holds the app.
func (e *Engine) Status(ctx context.Context, appName string) (AppStatus, error) {
	app, ref := e.App(appName)
	if ref != nil {
		return AppStatus{}, ref
	}
	p, err := e.livePlan(ctx, app)
	if err != nil {
		return AppStatus{}, err
	}
	st := AppStatus{App: app, Live: p.Live, LiveArtifact: p.LiveArtifact, LiveErr: p.LiveErr, Unknown: p.Unknown}
	if p.Live != nil {
		st.LiveVisible = e.visibility(ctx, p.Live.ID)
	}
	if a, err := e.cfg.Releases.Active(ctx, app.Name); err == nil {
		st.Active = &a
	} else if !errors.Is(err, ErrNotFound) {
		return st, fmt.Errorf("reading active release of %s: %w", app.Name, err)
	}
	if st.Locks, err = e.cfg.Locks.Locks(ctx, app.Name); err != nil {
		return st, fmt.Errorf("reading locks of %s: %w", app.Name, err)
	}
	if e.cfg.Gate != nil {
		st.Window = e.cfg.Gate(app, e.Now())
	}
	return st, nil
}

// Mismatch reports whether the target and the store disagree about what is live.
func (s AppStatus) Mismatch() bool {
	return Plan{Live: s.Live, LiveArtifact: s.LiveArtifact}.Mismatch()
}

// History lists the newest n releases of app.
func (e *Engine) History(ctx context.Context, appName string, n int) ([]Release, error) {
	app, ref := e.App(appName)
	if ref != nil {
		return nil, ref
	}
	if n <= 0 {
		n = 10
	}
	rs, err := e.cfg.Releases.History(ctx, app.Name, 0, n)
	if err != nil {
		return nil, fmt.Errorf("reading history of %s: %w", app.Name, err)
	}
	return rs, nil
}

// Release reads one release.
func (e *Engine) Release(ctx context.Context, id ReleaseID) (Release, error) {
	r, err := e.cfg.Releases.Release(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return r, Refuse(CodeReleaseNotFound, "release", id)
	}
	return r, err
}

// PlanOf rebuilds the plan of an existing release for re-rendering its card.
// It reads only the store, never the target, so it is cheap enough for every
// card update.
func (e *Engine) PlanOf(ctx context.Context, r Release) (Plan, error) {
	p := Plan{Release: r, Commits: r.Commits, Changes: r.Changes, Warnings: r.Warnings}
	if r.Kind == KindRollback && r.RollbackOf > 0 {
		t, err := e.cfg.Releases.ReleaseByVersion(ctx, r.App, r.RollbackOf)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return p, fmt.Errorf("reading %s v%d: %w", r.App, r.RollbackOf, err)
		}
		if err == nil {
			p.Target = &t
		}
	}
	live, err := e.cfg.Releases.Live(ctx, r.App)
	if err == nil {
		p.Live = &live
	} else if !errors.Is(err, ErrNotFound) {
		return p, fmt.Errorf("reading what is live for %s: %w", r.App, err)
	}
	p.Visible = e.visibility(ctx, r.ID)
	return p, e.offerRollback(ctx, &p)
}
