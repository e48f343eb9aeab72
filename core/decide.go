package core

import (
	"context"
	"errors"
	"fmt"
)

// Approve records who approved release id; when enough distinct approvers
// agree, the release becomes approved and a worker is woken. Permission is
// decided here, from the staff id, never from card data.
func (e *Engine) Approve(ctx context.Context, who Actor, id ReleaseID, comment string) (Release, error) {
	return e.decide(ctx, who, id, DecisionApprove, comment)
}

// Reject records a rejection; one is enough to end the request.
func (e *Engine) Reject(ctx context.Context, who Actor, id ReleaseID, comment string) (Release, error) {
	return e.decide(ctx, who, id, DecisionReject, comment)
}

func (e *Engine) decide(ctx context.Context, who Actor, id ReleaseID, d Decision, comment string) (Release, error) {
	if bad := checkTexts("comment", comment); bad != nil {
		return Release{}, e.refused(ctx, who, "", id, bad)
	}
	r, app, err := e.releaseAndApp(ctx, who, id)
	if err != nil {
		return r, err
	}
	if ref := decisionRefusal(app, r, who, d); ref != nil {
		return r, e.refused(ctx, who, r.App, id, ref)
	}
	a := Approval{ReleaseID: id, Approver: who.StaffID, Decision: d, Comment: comment, Origin: who.Origin,
		OSUser: who.OSUser, At: e.Now()}
	updated, err := e.cfg.Releases.Decide(ctx, a, r.ApprovalsNeeded)
	switch {
	case errors.Is(err, ErrDuplicate):
		return updated, e.refused(ctx, who, r.App, id, Refuse(CodeAlreadyApproved, "release", r.Label()))
	case errors.Is(err, ErrExpired):
		e.notify(ctx, updated, StepExpired, "")
		return updated, e.refused(ctx, who, r.App, id, alreadyDecided(updated))
	case errors.Is(err, ErrStale):
		return updated, e.refused(ctx, who, r.App, id, alreadyDecided(updated))
	case err != nil:
		return r, fmt.Errorf("recording %s of %s: %w", d, id, err)
	}
	e.afterDecision(ctx, updated)
	return updated, nil
}

func (e *Engine) afterDecision(ctx context.Context, r Release) {
	switch r.Status {
	case StatusApproved:
		e.wake(r.ID)
		e.notify(ctx, r, StepApproved, "")
	case StatusRejected:
		e.notify(ctx, r, StepRejected, "")
	default:
		e.notify(ctx, r, StepProgress, "")
	}
}

func decisionRefusal(app *App, r Release, who Actor, d Decision) *Refusal {
	switch {
	case !app.CanApprove(who.StaffID):
		return Refuse(CodeNotApprover, "app", app.Name, "user", who.StaffID, "teams", app.ApproverTeams, "release", r.Label())
	case r.Status != StatusPendingApproval:
		return alreadyDecided(r)
	case d == DecisionApprove && who.StaffID == r.Requester && !app.Policy.For(r.Kind, r.Urgent).SelfApproval:
		return Refuse(CodeSelfApproval, "release", r.Label())
	}
	return nil
}

func alreadyDecided(r Release) *Refusal {
	var by []string
	for _, a := range r.Approvals {
		by = append(by, a.Approver)
	}
	return Refuse(CodeAlreadyDecided, "release", r.Label(), "status", r.Status, "by", by)
}

// releaseAndApp reads a release and its app, refusing ids that do not exist.
func (e *Engine) releaseAndApp(ctx context.Context, who Actor, id ReleaseID) (Release, *App, error) {
	r, err := e.cfg.Releases.Release(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return r, nil, e.refused(ctx, who, "", id, Refuse(CodeReleaseNotFound, "release", id))
	}
	if err != nil {
		return r, nil, fmt.Errorf("reading %s: %w", id, err)
	}
	app, ref := e.App(r.App)
	if ref != nil {
		return r, nil, e.refused(ctx, who, r.App, id, ref)
	}
	return r, app, nil
}

// Cancel ends a release that has not started deploying; a running build is
// stopped. Requesters, releasers and approvers of the app may cancel.
func (e *Engine) Cancel(ctx context.Context, who Actor, id ReleaseID) (Release, error) {
	r, app, err := e.releaseAndApp(ctx, who, id)
	if err != nil {
		return r, err
	}
	if who.StaffID != r.Requester && !app.CanRequest(who.StaffID) {
		return r, e.refused(ctx, who, r.App, id, Refuse(CodeNotPermitted, "app", app.Name, "user", who.StaffID,
			"teams", append(app.ReleaseTeams, app.ApproverTeams...)))
	}
	if !r.Status.In(CancellableStatuses...) {
		return r, e.refused(ctx, who, r.App, id, Refuse(CodeNotCancellable, "release", r.Label(), "status", r.Status))
	}
	out, err := e.cfg.Releases.Finish(ctx, id, CancellableStatuses, Outcome{Status: StatusCancelled, At: e.Now(),
		Error: CancelNote(who.StaffID)})
	if errors.Is(err, ErrStale) {
		cur, _ := e.cfg.Releases.Release(ctx, id)
		return cur, e.refused(ctx, who, r.App, id, Refuse(CodeNotCancellable, "release", cur.Label(), "status", cur.Status))
	}
	if err != nil {
		return r, fmt.Errorf("cancelling %s: %w", id, err)
	}
	e.audit(ctx, who, AuditCancel, r.App, id, fmt.Sprintf("%s → cancelled", r.Status))
	if out.BuildRef != "" && e.cfg.Builder != nil {
		if err := e.cfg.Builder.Stop(ctx, out.BuildRef); err != nil {
			e.log.ErrorContext(ctx, "stopping build", "release", int64(id), "build", out.BuildRef, "err", err)
		}
	}
	e.notify(ctx, out, StepCancelled, who.StaffID)
	return out, nil
}

// ExpireDue expires requests whose approval time ran out, and reports how
// many it expired.
func (e *Engine) ExpireDue(ctx context.Context) (int, error) {
	now := e.Now()
	due, err := e.cfg.Releases.Find(ctx, ReleaseFilter{Statuses: []Status{StatusPendingApproval}, ExpiresBefore: now, Limit: 100})
	if err != nil {
		return 0, fmt.Errorf("finding expired requests: %w", err)
	}
	n := 0
	for _, r := range due {
		msg := ExpiryNote
		out, err := e.cfg.Releases.Transition(ctx, r.ID, []Status{StatusPendingApproval}, StatusExpired, Change{At: now, Error: &msg})
		if errors.Is(err, ErrStale) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("expiring %s: %w", r.ID, err)
		}
		n++
		e.audit(ctx, Actor{}, AuditExpire, r.App, r.ID, "pending_approval → expired")
		e.notify(ctx, out, StepExpired, "")
	}
	return n, nil
}
