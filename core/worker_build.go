package core

import (
	"context"
	"errors"
	"fmt"
)

// build runs the builder for a release: start (or find the build already
// started for it), wait, and record the artifact. A build that fails ends
// the release with the build's log tail.
func (w *Worker) build(ctx context.Context, r Release, log *progressLog) (Release, error) {
	var err error
	if r.Status == StatusQueued {
		if r, err = w.transition(ctx, r, StatusBuilding, Change{}); err != nil || r.Status.Final() {
			return r, err
		}
	}
	if err := w.hook(r.ID, StepBuilding); err != nil {
		return r, err
	}
	app, ref := w.e.App(r.App)
	b := w.e.cfg.Builder
	if ref != nil || b == nil {
		return r, w.fail(ctx, r, "no builder configured", "")
	}
	if r.BuildRef == "" {
		buildRef, err := b.Start(ctx, BuildRequest{App: r.App, Job: app.Job, Branch: r.Branch, Commit: r.Commit,
			ReleaseID: r.ID, Version: r.Version, Requester: r.Requester})
		if err != nil {
			return r, w.fail(ctx, r, fmt.Sprintf("starting build: %v", err), "")
		}
		if r, err = w.transition(ctx, r, StatusBuilding, Change{BuildRef: &buildRef}); err != nil || r.Status.Final() {
			return r, err
		}
		w.e.notify(ctx, r, StepBuilding, buildRef)
	}
	res, err := b.Wait(ctx, r.BuildRef, log)
	var be *BuildError
	switch {
	case errors.As(err, &be):
		return r, w.fail(ctx, r, fmt.Sprintf("build %s", be.Result), be.LogTail)
	case err != nil:
		if cur, rerr := w.e.cfg.Releases.Release(context.WithoutCancel(ctx), r.ID); rerr == nil && cur.Status.Final() {
			return cur, nil
		}
		return r, w.fail(ctx, r, fmt.Sprintf("waiting for build: %v", err), log.Tail())
	}
	if err := w.hook(r.ID, StepDeploying); err != nil {
		return r, err
	}
	ch := Change{Artifact: &res.Artifact, Commits: res.Commits}
	if res.Commit != "" {
		ch.Commit = &res.Commit
	}
	if r, err = w.transition(ctx, r, StatusDeploying, ch); err != nil || r.Status.Final() {
		return r, err
	}
	return r, nil
}
