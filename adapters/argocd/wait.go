package argocd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// verdict is what one read of the application says about a deploy.
type verdict int

const (
	running   verdict = iota // an operation runs, or Argo CD has not looked since
	idle                     // nothing runs and our value was not synced: ask for a sync
	settling                 // our sync succeeded; health or sync status still moving
	converged                // our sync succeeded, Synced and Healthy, the image live
	failed                   // our sync failed, or the application is Degraded
)

// maxSyncs bounds the syncs one wait asks for: each further one follows
// an operation someone else started before our value was set.
const maxSyncs = 4

// judge decides like `argocd app wait --sync --health --operation`
// (cmd/argocd/commands/app.go checkAppWaitConditions): an operation is in
// progress while app.operation is set, its state is unfinished, or the
// controller has not reconciled since it finished. It also requires that
// the operation synced val, so an earlier operation's success never counts.
func (d *Deployer) judge(app *application, val, image string) (verdict, string) {
	st := app.Status.OperationState
	switch {
	case len(app.Operation) > 0 && string(app.Operation) != "null":
		return running, "operation requested"
	case st == nil:
		return idle, "no operation yet"
	case st.FinishedAt == nil:
		return running, "operation " + st.Phase
	case app.Status.ReconciledAt == nil || app.Status.ReconciledAt.Before(*st.FinishedAt):
		return running, "waiting for Argo CD to reconcile after the operation"
	case !d.synced(st, val):
		return idle, "the last operation synced another value"
	case st.Phase != "Succeeded":
		return failed, fmt.Sprintf("sync %s: %s", st.Phase, st.Message)
	case app.Status.Health.Status == "Degraded":
		return failed, "application is Degraded: " + d.healthMessage(app)
	}
	h, s := app.Status.Health.Status, app.Status.Sync.Status
	if h == "Healthy" && s == "Synced" && slices.Contains(app.Status.Summary.Images, image) &&
		(st.SyncResult == nil || app.Status.Sync.Revision == st.SyncResult.Revision) {
		return converged, "Synced and Healthy"
	}
	return settling, fmt.Sprintf("sync %s, health %s %s", s, h, app.Status.Health.Message)
}

// synced reports whether the operation's sync carried val in the
// configured source.
func (d *Deployer) synced(st *operationState, val string) bool {
	s := st.Operation.Sync
	if s == nil {
		return false
	}
	src := sourceAt(s.Source, s.Sources, d.cfg.Image.SourcePosition)
	if src == nil {
		return false
	}
	o := d.cfg.Image.current(src)
	return o.present && o.value == val
}

func (d *Deployer) healthMessage(app *application) string {
	if m := app.Status.Health.Message; m != "" {
		return m
	}
	var t tree
	if err := d.api.do(context.Background(), "GET", d.appPath("/resource-tree")+d.query(), nil, &t); err == nil {
		for _, n := range t.Nodes {
			if n.Health != nil && n.Health.Status == "Degraded" {
				return fmt.Sprintf("%s %s: %s", n.Kind, n.Name, n.Health.Message)
			}
		}
	}
	return "no message"
}

// errWaitTimeout is the cause of a wait that ran past Config.Timeout.
var errWaitTimeout = errors.New("passed the sync timeout")

// syncAndWait asks for syncs as needed and waits until val is synced,
// Synced and Healthy, the sync failed, or the timeout passed.
func (d *Deployer) syncAndWait(ctx context.Context, log io.Writer, val, image string) error {
	deadline := time.Now().Add(d.cfg.Timeout)
	syncs, last := 0, ""
	for {
		app, err := d.get(ctx)
		if err != nil {
			return err
		}
		v, why := d.judge(app, val, image)
		if why != last {
			_, _ = fmt.Fprintf(log, "%s: %s\n", d.where(), why)
			last = why
		}
		switch v {
		case converged:
			return nil
		case failed:
			return errors.New(why)
		case idle:
			if syncs == maxSyncs {
				return fmt.Errorf("asked for %d syncs, and none synced the new value: %s", syncs, why)
			}
			switch err := d.sync(ctx); {
			case inProgress(err):
				_, _ = fmt.Fprintf(log, "%s: an operation is already running; waiting for it\n", d.where())
			case err != nil:
				return err
			default:
				syncs++
			}
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w (%s): %s", errWaitTimeout, d.cfg.Timeout, why)
		}
		if err := pause(ctx, d.cfg.PollInterval); err != nil {
			return err
		}
	}
}

func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
