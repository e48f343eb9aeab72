package core

import (
	"context"
	"errors"
	"fmt"
)

// SuggestionResult is a suggestion accepted by a click: the rollback filed
// from it, and the suggestion as it now is.
type SuggestionResult struct {
	Suggestion Suggestion
	Plan       Plan
}

// AcceptSuggestion files the rollback a suggestion proposes, as the person
// who clicked its button, through the same checks as /rollback. When that
// person may approve and one approval is enough, the alert is recorded as
// the requester and the click approves at once: one click, no typing, and
// no one approving their own request. Every further click finds the
// request already filed.
func (e *Engine) AcceptSuggestion(ctx context.Context, who Actor, id int64) (SuggestionResult, error) {
	s, app, err := e.suggestionAndApp(ctx, who, id)
	if err != nil {
		return SuggestionResult{}, err
	}
	if ref := suggestionRefusal(app, s, who); ref != nil {
		return SuggestionResult{Suggestion: s}, e.refused(ctx, who, s.App, s.RequestID, ref)
	}
	req := RollbackRequest{Actor: who, App: app.Name, Version: s.Target, Reason: suggestionReason(s)}
	req.Actor.MsgID = suggestionMsgID(s.ID)
	pol := app.Policy.For(KindRollback, false)
	oneClick := app.CanApprove(who.StaffID) && pol.Approvals == 1 && len(s.Alerts) > 0
	if oneClick {
		req.Actor = Actor{StaffID: s.Alerts[0].Alert.Requester(), Origin: OriginAlert, ChatID: who.ChatID, MsgID: req.Actor.MsgID}
	}
	p, err := e.requestRollback(ctx, req, false)
	if err != nil {
		return SuggestionResult{Suggestion: s}, err
	}
	if s, err = e.cfg.Alerts.FileSuggestion(ctx, s.ID, p.Release.ID, who.StaffID); err != nil && !errors.Is(err, ErrStale) {
		return SuggestionResult{Suggestion: s, Plan: p}, fmt.Errorf("recording rollback on suggestion %d: %w", id, err)
	}
	e.audit(ctx, who, AuditAlert, app.Name, p.Release.ID, fmt.Sprintf("suggestion %d accepted: rollback to v%d", s.ID, s.Target))
	if oneClick && !p.Repeat && p.Release.Status == StatusPendingApproval {
		r, err := e.Approve(ctx, who, p.Release.ID, "")
		if err != nil {
			return SuggestionResult{Suggestion: s, Plan: p}, err
		}
		p.Release = r
	}
	return SuggestionResult{Suggestion: s, Plan: p}, nil
}

func (e *Engine) suggestionAndApp(ctx context.Context, who Actor, id int64) (Suggestion, *App, error) {
	if e.cfg.Alerts == nil {
		return Suggestion{}, nil, Refuse(CodeNoAlertStore)
	}
	s, err := e.cfg.Alerts.Suggestion(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return s, nil, e.refused(ctx, who, "", 0, Refuse(CodeSuggestionNotFound, "id", id))
	}
	if err != nil {
		return s, nil, fmt.Errorf("reading suggestion %d: %w", id, err)
	}
	app, ref := e.App(s.App)
	if ref != nil {
		return s, nil, e.refused(ctx, who, s.App, 0, ref)
	}
	return s, app, nil
}

func suggestionRefusal(app *App, s Suggestion, who Actor) *Refusal {
	switch {
	case s.RequestID != 0:
		return Refuse(CodeSuggestionFiled, "app", app.Name, "release", s.RequestID, "by", s.FiledBy)
	case !s.Resolved.IsZero():
		return Refuse(CodeSuggestionResolved, "app", app.Name, "at", s.Resolved)
	case !app.CanRequest(who.StaffID):
		return Refuse(CodeNotPermitted, "app", app.Name, "user", who.StaffID, "teams", append(app.ReleaseTeams, app.ApproverTeams...))
	}
	return nil
}

func suggestionReason(s Suggestion) string {
	if len(s.Alerts) == 0 {
		return fmt.Sprintf("alert suggestion %d", s.ID)
	}
	return alertReason(s.Alerts[0].Alert)
}

// Alerts lists the newest alerts of app (every app when ""), firing ones
// only when firing is set.
func (e *Engine) Alerts(ctx context.Context, app string, firing bool) ([]AlertRecord, error) {
	if app != "" {
		if _, ref := e.App(app); ref != nil {
			return nil, ref
		}
	}
	if e.cfg.Alerts == nil {
		return nil, Refuse(CodeNoAlertStore)
	}
	out, err := e.cfg.Alerts.Alerts(ctx, AlertFilter{App: app, Firing: firing, Limit: 20})
	if err != nil {
		return nil, fmt.Errorf("reading alerts: %w", err)
	}
	return out, nil
}

// SuggestionView is a suggestion with the releases its card names: the
// one the alerts are attributed to and the one it would roll back to.
type SuggestionView struct {
	Suggestion Suggestion
	Live       Release
	Target     Release
	Request    *Release // the rollback filed from it, if any
}

// SuggestionView reads a suggestion and its releases, for rendering its
// card. It reads only the store.
func (e *Engine) SuggestionView(ctx context.Context, id int64) (SuggestionView, error) {
	if e.cfg.Alerts == nil {
		return SuggestionView{}, Refuse(CodeNoAlertStore)
	}
	var v SuggestionView
	var err error
	if v.Suggestion, err = e.cfg.Alerts.Suggestion(ctx, id); err != nil {
		return v, fmt.Errorf("reading suggestion %d: %w", id, err)
	}
	s := v.Suggestion
	if v.Live, err = e.cfg.Releases.Release(ctx, s.ReleaseID); err != nil {
		return v, fmt.Errorf("reading %s: %w", s.ReleaseID, err)
	}
	if v.Target, err = e.cfg.Releases.ReleaseByVersion(ctx, s.App, s.Target); err != nil {
		return v, fmt.Errorf("reading %s v%d: %w", s.App, s.Target, err)
	}
	if s.RequestID != 0 {
		r, err := e.cfg.Releases.Release(ctx, s.RequestID)
		if err != nil {
			return v, fmt.Errorf("reading %s: %w", s.RequestID, err)
		}
		v.Request = &r
	}
	return v, nil
}
