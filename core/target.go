package core

import (
	"context"
	"errors"
	"fmt"
)

// historyPage is how many releases one store read returns while searching.
const historyPage = 50

// maxTargetScan bounds how far back the default rollback target is searched.
const maxTargetScan = 2000

// rollbackTarget resolves the release whose artifact a rollback restores:
// the version asked for, or the newest succeeded release whose artifact
// differs from what is live and that was not itself rolled back.
func (e *Engine) rollbackTarget(ctx context.Context, app *App, version int, p Plan) (Release, *Refusal, error) {
	live := p.current()
	if version > 0 {
		r, err := e.cfg.Releases.ReleaseByVersion(ctx, app.Name, version)
		if errors.Is(err, ErrNotFound) {
			return r, Refuse(CodeVersionNotFound, "app", app.Name, "version", version), nil
		}
		if err != nil {
			return r, nil, fmt.Errorf("reading %s v%d: %w", app.Name, version, err)
		}
		if why := explicitTargetRefusal(app, r, live); why == nil || why.Reasons[0].Code != CodeAlreadyLive || p.LiveErr == "" {
			return r, why, nil
		}
		// The store's word only: the target could not be read, so do not
		// claim it is at that version.
		return r, Refuse(CodeLiveUnreadable, "app", app.Name, "version", r.Version, "detail", p.LiveErr), nil
	}
	before := 0
	for scanned := 0; scanned < maxTargetScan; scanned += historyPage {
		page, err := e.cfg.Releases.History(ctx, app.Name, before, historyPage)
		if err != nil {
			return Release{}, nil, fmt.Errorf("reading history of %s: %w", app.Name, err)
		}
		for _, r := range page {
			if r.Status == StatusSucceeded && !r.RolledBack && !r.Artifact.IsZero() && !r.Artifact.Same(live) {
				return r, nil, nil
			}
		}
		if len(page) < historyPage {
			break
		}
		before = page[len(page)-1].Version
	}
	return Release{}, Refuse(CodeNoRollbackTarget, "app", app.Name), nil
}

func explicitTargetRefusal(app *App, r Release, live Artifact) *Refusal {
	switch {
	case r.Status != StatusSucceeded:
		return Refuse(CodeVersionNotOK, "app", app.Name, "version", r.Version, "status", r.Status)
	case r.Artifact.IsZero():
		return Refuse(CodeNoArtifact, "app", app.Name, "version", r.Version)
	case r.Artifact.Same(live):
		return Refuse(CodeAlreadyLive, "app", app.Name, "version", r.Version, "artifact", r.Artifact.Label())
	}
	return nil
}

// changes asks git what putting commit target live in place of what is
// live does. It is nil when there is nothing to compare: no repository, no
// commit log, or a side without a recorded commit. Git failing does not stop
// a request (a rollback may be the fix for an outage that includes the git
// server): the range then says why it is missing.
func (e *Engine) changes(ctx context.Context, app *App, live *Release, target string) *CommitRange {
	if e.cfg.Commits == nil || app.Repo == "" || live == nil || live.Commit == "" || target == "" {
		return nil
	}
	q := RangeQuery{App: app.Name, Repo: app.Repo, Live: live.Commit, Target: target, Max: maxCommitsShown}
	rng, err := e.cfg.Commits.Range(ctx, q)
	if err != nil {
		e.log.WarnContext(ctx, "listing commits for the card", "app", app.Name, "live", live.Commit, "target", target, "err", err)
		return &CommitRange{Live: live.Commit, Target: target, Failed: err.Error()}
	}
	return &rng
}

// undone is what a card lists for a rollback: the commits taken out, or
// when rolling forward the ones brought back.
func (c *CommitRange) undone() []Commit {
	if c == nil {
		return nil
	}
	if c.UndoneTotal > 0 {
		return c.Undone
	}
	return c.Added
}

func capCommits(c []Commit) []Commit {
	if len(c) > maxCommitsShown {
		return c[:maxCommitsShown]
	}
	return c
}
