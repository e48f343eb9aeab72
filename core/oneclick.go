package core

import (
	"context"
	"errors"
	"fmt"
)

// offersRollback are the statuses whose card carries a Roll back button:
// the work ran (or may have), so there is something to go back from.
var offersRollback = []Status{StatusSucceeded, StatusFailed, StatusUnknown}

// offerRollback sets p.RollbackTo on the card of a finished release: the
// release /rollback <app> would go back to, unless a request for the app
// is active or there is no earlier good release. It reads the store only.
func (e *Engine) offerRollback(ctx context.Context, p *Plan) error {
	r := p.Release
	if !r.Status.In(offersRollback...) {
		return nil
	}
	app, ref := e.App(r.App)
	if ref != nil {
		return nil
	}
	_, err := e.cfg.Releases.Active(ctx, app.Name)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("reading the active request of %s: %w", app.Name, err)
	}
	target, why, err := e.rollbackTarget(ctx, app, 0, Plan{Live: p.Live})
	if err != nil || why != nil {
		return err
	}
	p.RollbackTo = &target
	return nil
}

// oneClick records the requester's own approval of a rollback they filed
// with a card's button, when the policy says one_click, one approval is
// needed and they may approve. Otherwise the request waits as typed ones do.
func (e *Engine) oneClick(ctx context.Context, app *App, who Actor, p Plan) (Plan, error) {
	r := p.Release
	pol := app.Policy.For(r.Kind, r.Urgent)
	if r.Status != StatusPendingApproval || !pol.OneClick || pol.Approvals != 1 || !app.CanApprove(who.StaffID) {
		return p, nil
	}
	a := Approval{ReleaseID: r.ID, Approver: who.StaffID, Decision: DecisionApprove, Comment: "one click",
		Origin: who.Origin, At: e.Now()}
	updated, err := e.cfg.Releases.Decide(ctx, a, r.ApprovalsNeeded) // audited by the store
	if err != nil {
		// The request stands, pending, as if typed; say why in the log.
		e.log.WarnContext(ctx, "one-click approval not recorded", "release", r.Label(), "err", err)
		return p, nil
	}
	e.afterDecision(ctx, updated)
	p.Release = updated
	return p, nil
}
