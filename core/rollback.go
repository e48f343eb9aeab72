package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RollbackRequest asks for app to go back to version (0: the default target).
type RollbackRequest struct {
	Actor   Actor
	App     string
	Version int
	Reason  string
	Urgent  bool
	// OneClick: filed by a card's Roll back button; with the policy's
	// one_click the clicker's approval is recorded at once (oneclick.go).
	OneClick bool
}

// Plan is a request as the approval card shows it: what is live, what will
// be, who asked, and what changes between them.
type Plan struct {
	Release      Release
	Live         *Release     // what the store says is live
	LiveArtifact Artifact     // what the target reports; zero when it cannot tell
	LiveErr      string       // why the target could not tell, if it failed
	Target       *Release     // for a rollback: whose artifact comes back
	Commits      []Commit     // commits undone by a rollback, or shipped by a release
	Changes      *CommitRange // from git, against what is live; nil when it cannot tell
	Warnings     []Reason     // accepted by policy but worth showing
	Repeat       bool         // the message was seen before: no new request made
	Unknown      *Release     // a release whose outcome could not be read yet
	// RollbackTo is, on a finished release's card, what /rollback <app>
	// would go back to now; nil when nothing would or a request is active,
	// which hides the card's Roll back button (PlanOf, oneclick.go).
	RollbackTo *Release
	// Visible is how far a finished deploy reached users (visible.go); nil
	// when unknown.
	Visible *Visibility
}

// Mismatch reports whether the target and the store disagree about what is live.
func (p Plan) Mismatch() bool {
	if p.LiveArtifact.IsZero() || p.Live == nil {
		return false
	}
	return !p.LiveArtifact.Same(p.Live.Artifact)
}

// maxCommitsShown bounds the commit list on a card.
const maxCommitsShown = 20

// RequestRollback checks a rollback request and records it, pending approval
// unless the policy needs none. The returned error is a *Refusal for a
// request people can fix, anything else is breakage.
func (e *Engine) RequestRollback(ctx context.Context, req RollbackRequest) (Plan, error) {
	return e.requestRollback(ctx, req, false)
}

// requestRollback is RequestRollback; noApproval files the request already
// approved (an alert's auto policy).
func (e *Engine) requestRollback(ctx context.Context, req RollbackRequest, noApproval bool) (Plan, error) {
	if bad := checkTexts("reason", req.Reason); bad != nil && req.Actor.Origin != OriginAlert {
		return Plan{}, e.refused(ctx, req.Actor, req.App, 0, bad)
	}
	app, ref := e.App(req.App)
	if ref != nil {
		return Plan{}, e.refused(ctx, req.Actor, req.App, 0, ref)
	}
	if r := e.gateRequest(ctx, app, req.Actor, KindRollback, req.Urgent, req.Reason); r != nil {
		return Plan{}, e.refused(ctx, req.Actor, app.Name, 0, r)
	}
	p, err := e.livePlan(ctx, app)
	if err != nil {
		return Plan{}, err
	}
	target, r, err := e.rollbackTarget(ctx, app, req.Version, p)
	if err != nil {
		return Plan{}, err
	}
	if r != nil {
		return Plan{}, e.refused(ctx, req.Actor, app.Name, 0, r)
	}
	p.Target = &target
	notes, r := e.check(ctx, app, target.Artifact, target.Version)
	if r != nil {
		return Plan{}, e.refused(ctx, req.Actor, app.Name, 0, r)
	}
	p.Warnings = notes
	p.Changes = e.changes(ctx, app, p.Live, target.Commit)
	p.Commits = p.Changes.undone()
	rel := e.newRelease(app, req.Actor, KindRollback, req.Urgent, req.Reason)
	rel.RollbackOf = target.Version
	rel.Artifact = target.Artifact
	rel.Commit = target.Commit
	rel.Commits, rel.Changes = p.Commits, p.Changes
	rel.Warnings = notes
	if noApproval {
		rel.Status, rel.ApprovalsNeeded, rel.DecidedAt, rel.ExpiresAt = StatusApproved, 0, rel.CreatedAt, time.Time{}
	}
	p, err = e.create(ctx, app, req.Actor, rel, p)
	if err != nil || p.Repeat || !req.OneClick {
		return p, err
	}
	return e.oneClick(ctx, app, req.Actor, p)
}

// gateRequest runs the checks every request shares: permission, an
// unfinished release, a freeze, and for urgent requests a stated reason.
func (e *Engine) gateRequest(ctx context.Context, app *App, who Actor, kind Kind, urgent bool, why string) *Refusal {
	// An alert's own request is permitted by the app's alert policy.
	if who.Origin != OriginAlert && !app.CanRequest(who.StaffID) {
		return Refuse(CodeNotPermitted, "app", app.Name, "user", who.StaffID, "teams", append(app.ReleaseTeams, app.ApproverTeams...))
	}
	if urgent && why == "" {
		return Refuse(CodeUrgentNeedsReason, "app", app.Name)
	}
	if active, err := e.cfg.Releases.Active(ctx, app.Name); err == nil {
		return Refuse(CodeActiveExists, "app", app.Name, "release", active.Label(), "status", active.Status, "requester", active.Requester)
	}
	if r := e.freezeRefusal(ctx, app, kind); r != nil {
		return r
	}
	if kind == KindRollback && app.Policy.RollbackNeedsWindow && !urgent {
		if r := e.windowRefusal(app); r != nil {
			return r
		}
	}
	return nil
}

func (e *Engine) windowRefusal(app *App) *Refusal {
	if e.cfg.Gate == nil {
		return nil
	}
	if why := e.cfg.Gate(app, e.Now()); why != nil {
		return &Refusal{Reasons: []Reason{*why}}
	}
	return nil
}

// freezeRefusal refuses while a manual lock holds the app, and refuses
// releases (not rollbacks) after a rollback froze it.
func (e *Engine) freezeRefusal(ctx context.Context, app *App, kind Kind) *Refusal {
	locks, err := e.cfg.Locks.Locks(ctx, app.Name)
	if err != nil {
		e.log.ErrorContext(ctx, "reading locks", "app", app.Name, "err", err)
		return nil
	}
	for _, l := range locks {
		if l.Kind == LockManual || (l.Kind == LockAfterRollback && kind == KindRelease) {
			return lockRefusal(l)
		}
	}
	return nil
}

func lockRefusal(l Lock) *Refusal {
	return Refuse(CodeLocked, "app", l.App, "kind", l.Kind, "holder", l.Holder, "since", l.Since,
		"reason", l.Reason, "release", l.ReleaseID)
}

// livePlan is a plan holding what the store and the target say is live.
// A release whose outcome is unknown is settled first, by a live read, so
// the store's word is as fresh as the target's.
func (e *Engine) livePlan(ctx context.Context, app *App) (Plan, error) {
	var p Plan
	open, err := e.settleUnknown(ctx, app.Name)
	if err != nil {
		return p, fmt.Errorf("settling unknown outcomes of %s: %w", app.Name, err)
	}
	p.Unknown = open
	live, err := e.cfg.Releases.Live(ctx, app.Name)
	switch {
	case err == nil:
		p.Live = &live
	case !errors.Is(err, ErrNotFound):
		return p, fmt.Errorf("reading what is live for %s: %w", app.Name, err)
	}
	d, err := e.deployer(app.Name)
	if err != nil {
		return p, err
	}
	a, err := d.Live(ctx)
	switch {
	case err == nil:
		p.LiveArtifact = a
	case errors.Is(err, ErrLiveUnknown):
	default:
		p.LiveErr = err.Error()
	}
	return p, nil
}

// current is the artifact believed live: the target's word, else the store's.
func (p Plan) current() Artifact {
	if !p.LiveArtifact.IsZero() {
		return p.LiveArtifact
	}
	if p.Live != nil {
		return p.Live.Artifact
	}
	return Artifact{}
}

// check asks the target whether a can be deployed; the caveats it accepts
// it with come back as card warnings.
func (e *Engine) check(ctx context.Context, app *App, a Artifact, version int) ([]Reason, *Refusal) {
	var notes []string
	d, err := e.deployer(app.Name)
	if err == nil {
		notes, err = checkNotes(ctx, d, a)
	}
	if err != nil {
		return nil, Refuse(CodeCheckFailed, "app", app.Name, "version", version, "artifact", a.Label(), "detail", err.Error())
	}
	var out []Reason
	for _, n := range notes {
		out = append(out, reason(CodeTargetNote, "app", app.Name, "detail", n))
	}
	return out, nil
}
