package core

import (
	"context"
	"errors"
	"fmt"
)

// newRelease fills what every request records: who, why, when, and the
// approval its policy needs.
func (e *Engine) newRelease(app *App, who Actor, kind Kind, urgent bool, why string) Release {
	now := e.Now()
	pol := app.Policy.For(kind, urgent)
	r := Release{App: app.Name, Kind: kind, Status: StatusPendingApproval, Requester: who.StaffID,
		Reason: why, Urgent: urgent, OriginMsgID: who.MsgID, ChatID: who.ChatID,
		ApprovalsNeeded: pol.Approvals, CreatedAt: now, UpdatedAt: now}
	if pol.Approvals == 0 {
		r.Status = StatusApproved
		r.DecidedAt = now
	} else if pol.Expiry > 0 {
		r.ExpiresAt = now.Add(pol.Expiry)
	}
	return r
}

// create stores a checked request and reports it: a repeated message gives
// back the release it made the first time; a race with another request for
// the same app is refused like the pre-check would have.
func (e *Engine) create(ctx context.Context, app *App, who Actor, rel Release, p Plan) (Plan, error) {
	created, err := e.store(ctx, who, rel)
	switch {
	case errors.Is(err, ErrDuplicate):
		p.Release, p.Repeat = created, true
		return p, nil
	case errors.Is(err, ErrActiveExists):
		return Plan{}, e.refused(ctx, who, app.Name, 0, Refuse(CodeActiveExists, "app", app.Name,
			"release", created.Label(), "status", created.Status, "requester", created.Requester))
	case err != nil:
		return Plan{}, fmt.Errorf("recording %s request for %s: %w", rel.Kind, app.Name, err)
	}
	p.Release = created
	if created.Status == StatusApproved {
		e.wake(created.ID)
	}
	return p, nil
}

// store records rel with its audit events: in its transaction when the
// store can (RequestRecorder), else appended after it.
func (e *Engine) store(ctx context.Context, who Actor, rel Release) (Release, error) {
	audit := func(created Release) []AuditEvent { return e.requestEvents(who, created) }
	if rr, ok := e.cfg.Releases.(RequestRecorder); ok {
		return rr.CreateRequest(ctx, rel, audit)
	}
	created, err := e.cfg.Releases.CreateRelease(ctx, rel)
	if err != nil {
		return created, err
	}
	for _, ev := range audit(created) {
		if err := e.cfg.Audit.Append(ctx, ev); err != nil {
			e.log.ErrorContext(ctx, "appending audit event", "kind", ev.Kind, "app", ev.App, "release", int64(ev.ReleaseID), "err", err)
		}
	}
	return created, nil
}

// requestEvents are the audit events of a stored request: the request,
// an urgent override, the target's notes.
func (e *Engine) requestEvents(who Actor, created Release) []AuditEvent {
	detail := fmt.Sprintf("%s v%d artifact=%s reason=%q", created.Kind, created.Version, created.Artifact.Label(), created.Reason)
	for _, o := range created.Options {
		detail += fmt.Sprintf(" opt.%s=%q", o.Name, o.Value)
	}
	if created.Requirement.Text != "" {
		detail += fmt.Sprintf(" requirement=%q", created.Requirement.Text)
	}
	if created.Kind == KindRollback {
		detail += fmt.Sprintf(" rollback_of=v%d", created.RollbackOf)
	}
	evs := []AuditEvent{e.event(who, AuditRequest, created.App, created.ID, detail)}
	if created.Urgent {
		evs = append(evs, e.event(who, AuditOverride, created.App, created.ID, "urgent: "+created.Reason))
	}
	for _, w := range created.Warnings {
		if w.Code == CodeTargetNote {
			evs = append(evs, e.event(who, AuditTargetNote, created.App, created.ID, fmt.Sprint(w.Args["detail"])))
		}
	}
	return evs
}
