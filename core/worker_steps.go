package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// carryOut takes a claimed release through its remaining steps. A fresh
// claim arrives building (a release) or deploying (a rollback); one taken
// over from a dead worker resumes where that one stopped.
func (w *Worker) carryOut(ctx context.Context, c Claimed) error {
	r := c.Release
	if !c.Resumed {
		queued := r
		queued.Status = StatusQueued // the claim moved on already; the event is about queueing
		w.e.notify(ctx, queued, StepQueued, "")
		why, err := w.recheck(ctx, r)
		if err != nil {
			return w.fail(ctx, r, FailNote(FailPrecheck, err.Error()), "")
		}
		if why != nil {
			return w.fail(ctx, r, why.Encode(), "")
		}
	}
	if err := w.hook(r.ID, StepQueued); err != nil {
		return err
	}
	log := newProgressLog(ctx, w.e, r)
	resumed := c.Resumed && r.Status == StatusDeploying
	var err error
	if r.Kind == KindRelease && r.Status.In(StatusQueued, StatusBuilding) {
		if r, err = w.build(ctx, r, log); err != nil || r.Status.Final() {
			return err
		}
	}
	return w.deploy(ctx, r, resumed, log)
}

// recheck repeats checks at the start of work: a window that closed while
// a request waited fails it with that reason; a release also re-checks
// freezes and its branch.
func (w *Worker) recheck(ctx context.Context, r Release) (*Refusal, error) {
	if r.Kind == KindRelease {
		return w.releaseRecheck(ctx, r)
	}
	app, ref := w.e.App(r.App)
	if ref != nil {
		return ref, nil
	}
	if r.Urgent || !app.Policy.RollbackNeedsWindow {
		return nil, nil
	}
	return w.e.windowRefusal(app), nil
}

// deploy makes the release's artifact live. A resumed deploy asks the target
// first and does not deploy again what is already live; a fresh one goes
// straight to the target, so nothing but the deploy itself sits on the path
// from approval to live.
func (w *Worker) deploy(ctx context.Context, r Release, resumed bool, log *progressLog) error {
	var err error
	if r.Status != StatusDeploying {
		if r, err = w.transition(ctx, r, StatusDeploying, Change{}); err != nil || r.Status.Final() {
			return err
		}
	}
	if !resumed {
		w.e.notify(ctx, r, StepDeploying, "")
	}
	if err := w.hook(r.ID, StepDeploying); err != nil {
		return err
	}
	d, err := w.e.deployer(r.App)
	if err != nil {
		return w.fail(ctx, r, err.Error(), log.Tail())
	}
	if resumed {
		if ok, lerr := landed(ctx, d, DeployRequest{App: r.App, ReleaseID: r.ID, Artifact: r.Artifact}); lerr == nil && ok {
			w.e.audit(ctx, Actor{}, AuditStep, r.App, r.ID, "resumed deploy: artifact already live, not deployed again")
			return w.succeed(ctx, r, log)
		}
	}
	req := DeployRequest{App: r.App, ReleaseID: r.ID, Version: r.Version, Kind: r.Kind, Requester: r.Requester, Options: r.Options,
		Artifact: r.Artifact, Log: log}
	if err := d.Deploy(ctx, req); err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, errLeaseLost) {
			return fmt.Errorf("deploying %s: %w", r.ID, cause)
		}
		return w.afterDeployError(ctx, r, d, req, err, log)
	}
	if err := w.hook(r.ID, StepSucceeded); err != nil {
		return err
	}
	switched := w.e.Now()
	if err := w.succeed(ctx, r, log); err != nil {
		return err
	}
	w.e.confirmVisible(r, d, switched, w.cfg.ID)
	return nil
}

func (w *Worker) succeed(ctx context.Context, r Release, log *progressLog) error {
	o := w.e.successOutcome(r, w.cfg.ID)
	o.Output = log.Tail()
	return w.finish(ctx, r, o)
}

func (w *Worker) fail(ctx context.Context, r Release, why, output string) error {
	return w.finish(ctx, r, Outcome{Status: StatusFailed, At: w.e.Now(), Error: why, Output: output, Worker: w.cfg.ID})
}

// finish records the end; it runs on a context that survives a cancelled
// deploy, so a failure is always written down.
func (w *Worker) finish(ctx context.Context, r Release, o Outcome) error {
	ctx = context.WithoutCancel(ctx)
	o.Error, o.Output = w.e.clean(o.Error), w.e.clean(o.Output)
	out, err := w.e.cfg.Releases.Finish(ctx, r.ID, InFlightStatuses, o)
	if errors.Is(err, ErrStale) {
		return nil // cancelled meanwhile, or another worker took over
	}
	if err != nil {
		return fmt.Errorf("finishing %s as %s: %w", r.ID, o.Status, err)
	}
	if o.Freeze != nil {
		w.e.audit(ctx, Actor{}, AuditLock, r.App, r.ID, "releases frozen after rollback")
	}
	step := StepSucceeded
	switch o.Status {
	case StatusFailed:
		step = StepFailed
		w.e.log.WarnContext(ctx, "release failed", "release", int64(r.ID), "app", r.App, "kind", string(r.Kind),
			"version", r.Version, "worker", w.cfg.ID, "err", o.Error)
	case StatusUnknown:
		step = StepUnknown
		w.e.log.WarnContext(ctx, "release outcome unknown", "release", int64(r.ID), "app", r.App, "kind", string(r.Kind),
			"version", r.Version, "worker", w.cfg.ID, "err", o.Error)
	}
	w.e.notify(ctx, out, step, o.Error)
	return nil
}

// transition moves r to status; a release cancelled meanwhile comes back
// final and the caller stops.
func (w *Worker) transition(ctx context.Context, r Release, to Status, ch Change) (Release, error) {
	ch.At = w.e.Now()
	out, err := w.e.cfg.Releases.Transition(ctx, r.ID, []Status{r.Status}, to, ch)
	if errors.Is(err, ErrStale) {
		cur, rerr := w.e.cfg.Releases.Release(ctx, r.ID)
		if rerr != nil {
			return r, fmt.Errorf("re-reading %s: %w", r.ID, rerr)
		}
		if cur.Status.Final() {
			return cur, nil
		}
		return cur, fmt.Errorf("moving %s %s → %s: %w", r.ID, r.Status, to, err)
	}
	if err != nil {
		return r, fmt.Errorf("moving %s %s → %s: %w", r.ID, r.Status, to, err)
	}
	return out, nil
}

// Elapsed is how long a finished release took from approval to its end.
func (r Release) Elapsed() time.Duration {
	start := r.StartedAt
	if start.IsZero() {
		start = r.DecidedAt
	}
	if start.IsZero() || r.FinishedAt.IsZero() {
		return 0
	}
	return r.FinishedAt.Sub(start)
}
