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
	if w.e.cfg.Builder == nil {
		return r, w.fail(ctx, r, "no builder configured", "")
	}
	if r.BuildRef == "" {
		if r, err = w.startBuild(ctx, r); err != nil || r.Status.Final() {
			return r, err
		}
	}
	res, err := w.e.cfg.Builder.Wait(ctx, r.BuildRef, log)
	var be *BuildError
	switch {
	case errors.As(err, &be):
		return r, w.fail(ctx, r, FailNote(FailBuild, string(be.Result)), be.LogTail)
	case err != nil:
		if cause := context.Cause(ctx); errors.Is(cause, errLeaseLost) {
			return r, fmt.Errorf("building %s: %w", r.ID, cause)
		}
		if cur, rerr := w.e.cfg.Releases.Release(context.WithoutCancel(ctx), r.ID); rerr == nil && cur.Status.Final() {
			return cur, nil
		}
		return r, w.fail(ctx, r, FailNote(FailBuildWait, err.Error()), log.Tail())
	}
	return w.built(ctx, r, res, log)
}

// startBuild starts the build and records its reference. A release
// cancelled meanwhile (the cancel saw no build to stop) stops the build it
// just started, so no build runs with nobody following it.
func (w *Worker) startBuild(ctx context.Context, r Release) (Release, error) {
	app, ref := w.e.App(r.App)
	if ref != nil {
		return r, w.fail(ctx, r, ref.Error(), "")
	}
	buildRef, err := w.e.cfg.Builder.Start(ctx, BuildRequest{App: r.App, Job: app.Job, Branch: r.Branch, Commit: r.Commit, Options: r.Options,
		ReleaseID: r.ID, Version: r.Version, Requester: r.Requester})
	if err != nil {
		return r, w.fail(ctx, r, FailNote(FailBuildStart, err.Error()), "")
	}
	out, err := w.transition(ctx, r, StatusBuilding, Change{BuildRef: &buildRef})
	if err == nil && out.Status.Final() {
		if serr := w.e.cfg.Builder.Stop(context.WithoutCancel(ctx), buildRef); serr != nil {
			w.e.log.ErrorContext(ctx, "stopping the build of a cancelled release", "release", int64(r.ID), "build", buildRef, "err", serr)
		}
		return out, nil
	}
	if err == nil {
		w.e.notify(ctx, out, StepBuilding, buildRef)
	}
	return out, err
}

// built checks what the build produced with the target (it must exist and
// be deployable; the target's own description of it wins) and moves on to
// deploying with the artifact and commits recorded.
func (w *Worker) built(ctx context.Context, r Release, res BuildResult, log *progressLog) (Release, error) {
	if err := w.hook(r.ID, StepDeploying); err != nil {
		return r, err
	}
	d, err := w.e.deployer(r.App)
	var notes []string
	if err == nil {
		notes, err = checkNotes(ctx, d, res.Artifact)
	}
	for _, n := range notes {
		_, _ = fmt.Fprintf(log, "warning: %s\n", n)
		w.e.audit(ctx, Actor{}, AuditTargetNote, r.App, r.ID, n)
	}
	if err != nil {
		return r, w.fail(ctx, r, fmt.Sprintf("the build's artifact %s cannot be deployed: %v", res.Artifact.Label(), err), log.Tail())
	}
	if rs, ok := d.(ArtifactResolver); ok {
		if full, rerr := rs.Resolve(ctx, res.Artifact.Ref); rerr == nil {
			res.Artifact = full
		}
	}
	ch := Change{Artifact: &res.Artifact}
	if res.Commit != "" {
		ch.Commit = &res.Commit
	}
	w.builtCommits(ctx, r, res, &ch)
	return w.transition(ctx, r, StatusDeploying, ch)
}

// builtCommits keeps the card's commits from git: the build's own list
// (the CI's changelog, since its previous build) only stands in when git
// could not tell, and a build of a newer commit than requested is compared
// with what is live again.
func (w *Worker) builtCommits(ctx context.Context, r Release, res BuildResult, ch *Change) {
	if r.Changes == nil || r.Changes.Failed != "" {
		ch.Commits = res.Commits
		return
	}
	if res.Commit == "" || res.Commit == r.Commit {
		return
	}
	app, ref := w.e.App(r.App)
	live, err := w.e.cfg.Releases.Live(ctx, r.App)
	if ref != nil || err != nil {
		return
	}
	if rng := w.e.changes(ctx, app, &live, res.Commit); rng != nil {
		ch.Changes, ch.Commits = rng, rng.Added
	}
}
