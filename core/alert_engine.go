package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Refusal codes of alert suggestions.
const (
	CodeSuggestionNotFound Code = "suggestion_not_found"
	CodeSuggestionFiled    Code = "suggestion_filed"
	CodeSuggestionResolved Code = "suggestion_resolved"
	CodeNoAlertStore       Code = "alerts_off"
)

// alertRetryAfter is how long a recorded alert that nothing was done with
// (its replica died between recording and acting) waits before a resend of
// it is acted on again. Within it, a resend is a repeat: another replica is
// still working on the first delivery.
const alertRetryAfter = time.Minute

// AlertResult is what HandleAlert did with one alert.
type AlertResult struct {
	Record     AlertRecord
	Outcome    AlertOutcome
	Live       *Release    // the release the alert was attributed to (or what is live)
	Suggestion *Suggestion // the suggestion created, joined or resolved, with its alerts
	Plan       *Plan       // the rollback filed (request and auto policies)
	Why        *Refusal    // why nothing was done (held, refused)
}

// HandleAlert records an alert and acts on it by the app's policy: an
// alert that started within the watch of what went live last suggests,
// requests or carries out a rollback to the previous good release, once per
// release however many alerts arrive; a resolve closes the suggestion when
// nothing is left firing; anything else is left for people to read.
func (e *Engine) HandleAlert(ctx context.Context, a Alert) (AlertResult, error) {
	app, ref := e.App(a.App)
	if ref != nil {
		return AlertResult{}, ref
	}
	if e.cfg.Alerts == nil {
		return AlertResult{}, Refuse(CodeNoAlertStore)
	}
	a.ReceivedAt = e.Now()
	rec, err := e.cfg.Alerts.RecordAlert(ctx, a)
	if errors.Is(err, ErrDuplicate) && (rec.Outcome != "" || e.Now().Sub(rec.Alert.ReceivedAt) < alertRetryAfter) {
		return AlertResult{Record: rec, Outcome: AlertRepeat}, nil
	}
	if err != nil && !errors.Is(err, ErrDuplicate) {
		return AlertResult{}, fmt.Errorf("recording alert %s: %w", a.Key(), err)
	}
	res, err := e.actOnAlert(ctx, app, rec)
	if err != nil {
		return res, err
	}
	return e.settleAlert(ctx, res)
}

// settleAlert records the outcome and audits it, and reads the suggestion
// again so its card shows every alert.
func (e *Engine) settleAlert(ctx context.Context, res AlertResult) (AlertResult, error) {
	var sid int64
	var rid ReleaseID
	if res.Suggestion != nil {
		sid = res.Suggestion.ID
	}
	if res.Live != nil && res.Outcome != AlertUnattributed {
		rid = res.Live.ID
	}
	// A resolve keeps what was done when the alert fired; /alerts shows it.
	if res.Outcome != AlertCleared || res.Record.Outcome == "" {
		res.Record.Outcome, res.Record.Suggestion, res.Record.ReleaseID = res.Outcome, sid, rid
		if err := e.cfg.Alerts.SetAlertOutcome(ctx, res.Record.Seq, res.Outcome, sid, rid); err != nil {
			return res, fmt.Errorf("recording what became of alert %s: %w", res.Record.Alert.Key(), err)
		}
	}
	e.auditAlert(ctx, res)
	if sid == 0 {
		return res, nil
	}
	s, err := e.cfg.Alerts.Suggestion(ctx, sid)
	if err != nil {
		return res, fmt.Errorf("reading suggestion %d: %w", sid, err)
	}
	res.Suggestion = &s
	return res, nil
}

func (e *Engine) auditAlert(ctx context.Context, res AlertResult) {
	a := res.Record.Alert
	id := res.Record.ReleaseID
	if res.Plan != nil {
		id = res.Plan.Release.ID
	}
	detail := fmt.Sprintf("alert source=%s id=%s status=%s title=%q → %s", a.Source, a.ID, a.Status, a.Title, res.Outcome)
	if res.Why != nil {
		detail += " (" + res.Why.Error() + ")"
	}
	e.audit(ctx, Actor{StaffID: a.Requester(), Origin: OriginAlert}, AuditAlert, a.App, id, detail)
}

func (e *Engine) actOnAlert(ctx context.Context, app *App, rec AlertRecord) (AlertResult, error) {
	if rec.Alert.Status == AlertResolved {
		return e.alertResolved(ctx, rec)
	}
	res := AlertResult{Record: rec, Outcome: AlertUnattributed}
	live, err := e.cfg.Releases.Live(ctx, app.Name)
	if errors.Is(err, ErrNotFound) {
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("reading what is live for %s: %w", app.Name, err)
	}
	res.Live = &live
	if !app.Alerts.Attributed(live, rec.Alert) {
		return res, nil
	}
	s, err := e.cfg.Alerts.SuggestionOf(ctx, app.Name, live.ID)
	if err == nil {
		res.Outcome, res.Suggestion = AlertAdded, &s
		return res, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return res, fmt.Errorf("reading the suggestion of %s: %w", live.Label(), err)
	}
	return e.suggest(ctx, app, res)
}

// suggest makes the release's suggestion, unless the app is held or has no
// rollback to offer, and files it at once under the request and auto
// policies.
func (e *Engine) suggest(ctx context.Context, app *App, res AlertResult) (AlertResult, error) {
	if why := e.alertHold(ctx, app); why != nil {
		res.Outcome, res.Why = AlertHeld, why
		return res, nil
	}
	p, err := e.livePlan(ctx, app)
	if err != nil {
		return res, err
	}
	target, why, err := e.rollbackTarget(ctx, app, 0, p)
	if err != nil || why != nil {
		res.Outcome, res.Why = AlertNoRollback, why
		return res, err
	}
	pol := app.Alerts.PolicyOrDefault()
	s, created, err := e.cfg.Alerts.OpenSuggestion(ctx, Suggestion{App: app.Name, ReleaseID: res.Live.ID,
		Version: res.Live.Version, Target: target.Version, Policy: pol, CreatedAt: e.Now()})
	if err != nil {
		return res, fmt.Errorf("recording the suggestion of %s: %w", res.Live.Label(), err)
	}
	res.Suggestion = &s
	switch {
	case !created:
		res.Outcome = AlertAdded
	case pol == AlertSuggest:
		res.Outcome = AlertSuggested
	default:
		return e.fileForAlert(ctx, app, res, pol == AlertAuto)
	}
	return res, nil
}

// alertHold is why an alert must not start a rollback: something is
// already in progress, or people froze the app.
func (e *Engine) alertHold(ctx context.Context, app *App) *Refusal {
	if active, err := e.cfg.Releases.Active(ctx, app.Name); err == nil {
		return Refuse(CodeActiveExists, "app", app.Name, "release", active.Label(), "status", active.Status, "requester", active.Requester)
	}
	return e.freezeRefusal(ctx, app, KindRollback)
}

// fileForAlert files the suggestion's rollback with the alert as requester;
// auto files it approved. A race with a person's request ends in theirs.
func (e *Engine) fileForAlert(ctx context.Context, app *App, res AlertResult, auto bool) (AlertResult, error) {
	a, s := res.Record.Alert, res.Suggestion
	who := Actor{StaffID: a.Requester(), Origin: OriginAlert, MsgID: suggestionMsgID(s.ID)}
	p, err := e.requestRollback(ctx, RollbackRequest{Actor: who, App: app.Name, Version: s.Target, Reason: alertReason(a)}, auto)
	var why *Refusal
	if errors.As(err, &why) {
		res.Outcome, res.Why = AlertHeld, why
		return res, nil
	}
	if err != nil {
		return res, err
	}
	if _, err := e.cfg.Alerts.FileSuggestion(ctx, s.ID, p.Release.ID, who.StaffID); err != nil && !errors.Is(err, ErrStale) {
		return res, fmt.Errorf("recording rollback %s on suggestion %d: %w", p.Release.ID, s.ID, err)
	}
	res.Plan, res.Outcome = &p, AlertRequested
	if auto {
		res.Outcome = AlertRolledBack
	}
	return res, nil
}

// alertResolved closes the suggestion of a resolved alert when nothing
// else about the release still fires and nothing was filed.
func (e *Engine) alertResolved(ctx context.Context, rec AlertRecord) (AlertResult, error) {
	res := AlertResult{Record: rec, Outcome: AlertCleared}
	if rec.Suggestion == 0 {
		return res, nil
	}
	s, err := e.cfg.Alerts.ResolveSuggestion(ctx, rec.Suggestion, e.Now())
	if err != nil && !errors.Is(err, ErrStale) {
		return res, fmt.Errorf("resolving suggestion %d: %w", rec.Suggestion, err)
	}
	res.Suggestion = &s
	if rec.ReleaseID != 0 {
		res.Live = &Release{ID: rec.ReleaseID, App: rec.Alert.App}
	}
	return res, nil
}

func suggestionMsgID(id int64) string { return "suggestion:" + strconv.FormatInt(id, 10) }

// alertReason is the reason recorded on a rollback an alert caused.
func alertReason(a Alert) string {
	return fmt.Sprintf("alert %s (%s %s)", a.Title, a.Source, a.ID)
}
