package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

// readAgainTimeout bounds the live read after a deploy error, and each
// settling read.
const readAgainTimeout = 30 * time.Second

// uncertain reports whether a deploy error leaves its outcome open: the
// step timed out or its connection was lost once the request may have gone
// out, so the target may have applied it (OSS, Kubernetes and DingTalk all
// can apply a request whose client gave up).
func uncertain(err error) bool {
	var timeout interface{ Timeout() bool }
	var op *net.OpError
	switch {
	case errors.Is(err, ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, syscall.ECONNREFUSED):
		return false // nothing was sent
	case errors.As(err, &timeout) && timeout.Timeout():
		return true
	}
	return errors.As(err, &op) && op.Op != "dial" // a failed dial sent nothing
}

// landed reads the target again and reports whether req's artifact is
// live there; an error means the target could not be read. The read
// outlives ctx's cancellation (a deploy's outcome is worth its read) and is
// bounded by readAgainTimeout.
func landed(ctx context.Context, d Deployer, req DeployRequest) (bool, error) {
	return readLanded(context.WithoutCancel(ctx), d, req)
}

// readLanded is landed on ctx as it is: it ends with ctx.
func readLanded(ctx context.Context, d Deployer, req DeployRequest) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, readAgainTimeout)
	defer cancel()
	if v, ok := d.(DeployVerifier); ok {
		return v.Landed(ctx, req)
	}
	live, err := d.Live(ctx)
	if err != nil {
		return false, err
	}
	return live.Same(req.Artifact), nil
}

// JudgeDeployError is how a deploy that returned err ends, once the
// target has been read again: StatusSucceeded when the artifact is live
// after all, StatusFailed when the target shows otherwise or err is
// certain, StatusUnknown when the step may have landed and the target
// cannot be read (rerr says why). The worker uses it after every deploy
// error; the deployer contract (adapters/deploytest) checks each target
// kind against it.
func JudgeDeployError(ctx context.Context, d Deployer, req DeployRequest, err error) (st Status, rerr error) {
	ok, rerr := landed(ctx, d, req)
	switch {
	case rerr == nil && ok:
		return StatusSucceeded, nil
	case rerr == nil || !uncertain(err):
		return StatusFailed, rerr
	}
	return StatusUnknown, rerr
}

// afterDeployError records how a deploy that returned err ends
// (JudgeDeployError).
func (w *Worker) afterDeployError(ctx context.Context, r Release, d Deployer, req DeployRequest, err error, log *progressLog) error {
	switch st, rerr := JudgeDeployError(ctx, d, req, err); st {
	case StatusSucceeded:
		w.e.audit(ctx, Actor{}, AuditStep, r.App, r.ID, fmt.Sprintf("deploy reported %v, but the target shows the artifact live", err))
		return w.succeed(ctx, r, log)
	case StatusFailed:
		return w.fail(ctx, r, FailNote(FailDeploy, err.Error()), log.Tail())
	default:
		why := fmt.Sprintf("deploy outcome unknown: %v; reading the target again failed: %v", err, rerr)
		return w.finish(ctx, r, Outcome{Status: StatusUnknown, At: w.e.Now(), Error: why, Output: log.Tail(), Worker: w.cfg.ID})
	}
}

// successOutcome is how r ends when its artifact is live: with the freeze
// a rollback sets when the policy says so.
func (e *Engine) successOutcome(r Release, worker string) Outcome {
	o := Outcome{Status: StatusSucceeded, At: e.Now(), Worker: worker}
	if app, ref := e.App(r.App); ref == nil && r.Kind == KindRollback && app.Policy.LockAfterRollback {
		o.Freeze = &Lock{App: r.App, Kind: LockAfterRollback, Holder: r.Requester, ReleaseID: r.ID,
			Reason: RollbackLockReason(r.RollbackOf), Since: o.At}
	}
	return o
}

// settleUnknown reads the target for the app's releases whose outcome is
// unknown and records what it shows. It returns the release still unknown
// (the target could not be read), if any.
func (e *Engine) settleUnknown(ctx context.Context, app string) (*Release, error) {
	rs, err := e.cfg.Releases.Find(ctx, ReleaseFilter{App: app, Statuses: []Status{StatusUnknown}, Limit: 10})
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	d, err := e.deployer(app)
	if err != nil {
		return nil, err
	}
	var open *Release
	for _, r := range rs {
		if !e.settle(ctx, d, r) {
			open = &r
		}
	}
	return open, nil
}

// settle records an unknown release as succeeded or failed from a fresh
// read of the target; false when the target still cannot be read.
func (e *Engine) settle(ctx context.Context, d Deployer, r Release) bool {
	ok, err := landed(ctx, d, unknownRequest(r))
	if err != nil {
		return false
	}
	e.recordSettled(ctx, r, ok)
	return true
}

// unknownRequest is the deploy request an unknown release made, for
// reading whether it landed.
func unknownRequest(r Release) DeployRequest {
	return DeployRequest{App: r.App, ReleaseID: r.ID, Version: r.Version, Kind: r.Kind,
		Requester: r.Requester, Artifact: r.Artifact}
}

// recordSettled ends an unknown release as the read showed: succeeded when
// its artifact is live (landed), else failed. Another settler having done
// it first is fine.
func (e *Engine) recordSettled(ctx context.Context, r Release, landed bool) {
	o := e.successOutcome(r, "")
	step := StepSucceeded
	if !landed {
		o = Outcome{Status: StatusFailed, At: e.Now(), Error: r.Error + "; the target, read again, does not run this release"}
		step = StepFailed
	}
	ctx = context.WithoutCancel(ctx)
	out, err := e.cfg.Releases.Finish(ctx, r.ID, []Status{StatusUnknown}, o)
	if err != nil {
		if !errors.Is(err, ErrStale) {
			e.log.ErrorContext(ctx, "settling an unknown outcome", "release", int64(r.ID), "err", err)
		}
		return
	}
	e.audit(ctx, Actor{}, AuditStep, r.App, r.ID, "unknown outcome settled by a live read: "+string(o.Status))
	e.notify(ctx, out, step, o.Error)
}
