package argocd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dingops/dingops/core"
)

// DeployError is a deploy that did not make its image live: why, and
// what became of putting the previous override back.
type DeployError struct {
	App      string
	Artifact string // the artifact's label
	Cause    error
	// Restored: the previous override was set back and synced.
	Restored   bool
	RestoredTo string
	// RestoreErr: restoring failed, or its sync did not finish.
	RestoreErr error
	// NotRestored says why no restore was attempted.
	NotRestored string
}

// Error says what failed, with Argo CD's words, and what became of the restore.
func (e *DeployError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deploying %s to %s failed: %v", e.Artifact, e.App, e.Cause)
	switch {
	case e.Restored && e.RestoreErr == nil:
		fmt.Fprintf(&b, "; previous override restored (%s)", e.RestoredTo)
	case e.Restored:
		fmt.Fprintf(&b, "; previous override restored (%s), but its sync did not finish: %v", e.RestoredTo, e.RestoreErr)
	case e.RestoreErr != nil:
		fmt.Fprintf(&b, "; restoring the previous override failed: %v", e.RestoreErr)
	default:
		fmt.Fprintf(&b, "; not restored: %s", e.NotRestored)
	}
	return b.String()
}

// Unwrap exposes the cause.
func (e *DeployError) Unwrap() error { return e.Cause }

// Deploy sets the override to the artifact's image, syncs and waits. It is
// idempotent at-least-once: an override already set is not patched again,
// an operation already running (a resumed deploy's own) is waited for, and
// an application already Synced and Healthy at the image is left alone. A
// sync that fails or a Degraded application restores the previous
// override; cancelling ctx stops the wait and restores nothing.
func (d *Deployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	log := req.Log
	if log == nil {
		log = io.Discard
	}
	wrap := func(err error) error { return fmt.Errorf("deploying %s to %s: %w", req.Artifact.Label(), req.App, err) }
	ref, err := d.imageOf(req.Artifact)
	if err != nil {
		return wrap(err)
	}
	val, err := d.cfg.Image.value(ref)
	if err != nil {
		return wrap(err)
	}
	app, err := d.get(ctx)
	if err != nil {
		return wrap(err)
	}
	src, err := d.source(app)
	if err != nil {
		return wrap(err)
	}
	before := d.cfg.Image.current(src)
	if before.present && before.value == val {
		if v, _ := d.judge(app, val, d.cfg.Image.rendered(ref)); v == converged {
			_, _ = fmt.Fprintf(log, "%s is already live and Synced and Healthy on %s\n", ref.Short(), d.where())
			return nil
		}
	} else if err := d.change(ctx, log, src, before, val); err != nil {
		return wrap(err)
	}
	err = d.syncAndWait(ctx, log, val, d.cfg.Image.rendered(ref))
	if err == nil {
		d.log.Info("argo cd sync finished", "app", req.App, "release", req.ReleaseID, "image", ref.String())
		return nil
	}
	if ctx.Err() != nil {
		return wrap(fmt.Errorf("waiting for the sync: %w", ctx.Err()))
	}
	return d.fail(ctx, log, req, before, val, err)
}

// change checks the token may update and sync before touching the spec,
// so a refused token changes nothing, then patches the override.
func (d *Deployer) change(ctx context.Context, log io.Writer, src *source, cur override, val string) error {
	if err := d.permitted(ctx, "update", "sync"); err != nil {
		return err
	}
	ops := d.cfg.Image.patch(d.cfg.Image.SourcePosition, src, cur, override{value: val, present: true, index: cur.index})
	if err := d.setOverride(ctx, ops); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(log, "%s: %s set to %s\n", d.where(), d.cfg.Image.field(), val)
	return nil
}

// fail restores the previous override — req.Previous when the engine
// knows it (right for a resumed deploy, whose "before" is already the new
// value), else what the spec held before this deploy — and syncs it.
func (d *Deployer) fail(ctx context.Context, log io.Writer, req core.DeployRequest, before override, val string,
	cause error) error {
	e := &DeployError{App: req.App, Artifact: req.Artifact.Label(), Cause: cause}
	back := before
	if !req.Previous.IsZero() {
		if ref, err := d.imageOf(req.Previous); err == nil {
			if v, err := d.cfg.Image.value(ref); err == nil {
				back = override{value: v, present: true}
			}
		}
	}
	if back.present && back.value == val {
		e.NotRestored = "no previous override is known to go back to"
	} else {
		_, _ = fmt.Fprintf(log, "%s: %v; restoring the previous override\n", d.where(), cause)
		d.restore(ctx, log, back, e)
	}
	d.log.Error("argo cd deploy failed", "app", req.App, "release", req.ReleaseID, "err", e)
	return e
}

// restore sets the override back (removing it when there was none) and
// syncs, terminating an operation still running so the sync can start.
func (d *Deployer) restore(ctx context.Context, log io.Writer, back override, e *DeployError) {
	app, err := d.get(ctx)
	if err == nil {
		var src *source
		if src, err = d.source(app); err == nil {
			cur := d.cfg.Image.current(src)
			err = d.setOverride(ctx, d.cfg.Image.patch(d.cfg.Image.SourcePosition, src, cur, back))
		}
	}
	if err != nil {
		e.RestoreErr = err
		return
	}
	e.Restored, e.RestoredTo = true, back.value
	if !back.present {
		e.RestoredTo = "no override: the image in git"
	}
	if v, _ := d.judge(app, "", ""); v == running {
		if err := d.terminate(ctx); err != nil && !strings.Contains(err.Error(), "No operation is in progress") {
			_, _ = fmt.Fprintf(log, "%s: %v\n", d.where(), err)
		}
	}
	if err := d.sync(ctx); err != nil && !inProgress(err) {
		e.RestoreErr = err
	}
}
