package bot

import (
	"context"
	"strings"

	"github.com/dingops/dingops/core"
)

// AlertEngine is the slice of core.Engine behind alert suggestions and
// /alerts.
type AlertEngine interface {
	AcceptSuggestion(ctx context.Context, who core.Actor, id int64) (core.SuggestionResult, error)
	SuggestionView(ctx context.Context, id int64) (core.SuggestionView, error)
	Alerts(ctx context.Context, app string, firing bool) ([]core.AlertRecord, error)
}

// acceptSuggestion is the rollback button of a suggestion card: it files
// the suggested rollback as the clicker, and the approval card goes to the
// app's chats like a typed /rollback's.
func (b *Bot) acceptSuggestion(ctx context.Context, m Message, id int64) Response {
	lang := b.lang(m)
	if b.cfg.Alerts == nil {
		return b.fail(ctx, lang, core.Refuse(core.CodeNoAlertStore))
	}
	res, err := b.cfg.Alerts.AcceptSuggestion(ctx, b.actor(m), id)
	if err != nil {
		resp := b.fail(ctx, lang, err)
		resp.Private = m.Origin == core.OriginCard
		return resp
	}
	resp := b.requested(lang, m, res.Plan)
	resp.Suggestion = id
	if r := res.Plan.Release; !res.Plan.Repeat && r.Status == core.StatusApproved && r.ApprovalsNeeded > 0 {
		resp.Text = b.t(lang, "reply.approved", "release", r.Label(), "have", r.ApprovalsNeeded, "need", r.ApprovalsNeeded,
			"next", b.t(lang, "reply.approved_go"))
	}
	return resp
}

// AlertFiled is what a rollback filed by an alert posts: its approval card
// in the app's chats and a 1:1 to the approvers (request), or, for auto,
// a 1:1 to the people the app tells.
func (b *Bot) AlertFiled(lang string, res core.AlertResult, tell []string) Response {
	resp := b.requested(lang, Message{}, *res.Plan)
	resp.Text = ""
	if res.Outcome == core.AlertRolledBack && len(tell) > 0 {
		r := res.Plan.Release
		resp.Direct = append(resp.Direct, Direct{Users: tell, Text: b.t(lang, "alert.auto_dm", "app", r.App,
			"title", res.Record.Alert.Title, "target", r.RollbackOf, "release", r.Label())})
	}
	return resp
}

// AlertNote is the line posted about an alert dingops did not act on, or
// "" when there is nothing to say.
func (b *Bot) AlertNote(lang string, res core.AlertResult) string {
	a := res.Record.Alert
	why := ""
	if res.Why != nil {
		why = b.refusalText(lang, res.Why)
	}
	switch res.Outcome {
	case core.AlertUnattributed, core.AlertHeld, core.AlertNoRollback:
		return b.t(lang, "alert.note."+string(res.Outcome), "app", a.App, "title", a.Title, "why", why)
	}
	return ""
}

func handleAlerts(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if c.App != "" {
		if _, ref := b.appFor(m, c.App); ref != nil {
			return b.fail(ctx, lang, ref)
		}
	}
	if b.cfg.Alerts == nil {
		return b.fail(ctx, lang, core.Refuse(core.CodeNoAlertStore))
	}
	recs, err := b.cfg.Alerts.Alerts(ctx, c.App, true)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	who := c.App
	if who == "" {
		who = b.t(lang, "alerts.all_apps")
	}
	if len(recs) == 0 {
		return Response{Text: b.t(lang, "alerts.none", "app", who)}
	}
	lines := []string{b.t(lang, "alerts.header", "app", who)}
	for _, r := range recs {
		a := r.Alert
		lines = append(lines, b.t(lang, "alerts.line", "app", a.App, "title", a.Title, "source", a.Source, "id", a.ID,
			"since", a.StartsAt, "outcome", b.t(lang, "alert.outcome."+string(orOutcome(r.Outcome)))))
	}
	return Response{Text: strings.Join(lines, "\n")}
}

func orOutcome(o core.AlertOutcome) core.AlertOutcome {
	if o == "" {
		return core.AlertRepeat
	}
	return o
}

// SuggestionCardOf renders a suggestion's card as it now is, for lang.
func (b *Bot) SuggestionCardOf(ctx context.Context, lang string, id int64) (*Card, error) {
	if b.cfg.Alerts == nil {
		return nil, core.Refuse(core.CodeNoAlertStore)
	}
	v, err := b.cfg.Alerts.SuggestionView(ctx, id)
	if err != nil {
		return nil, err
	}
	return b.SuggestionCard(lang, v), nil
}
