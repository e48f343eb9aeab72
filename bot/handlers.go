package bot

import (
	"context"

	"github.com/dingops/dingops/core"
)

// commands is the command table: names, Chinese aliases, arguments and
// handlers, in help order.
func commands() (*Table, error) {
	app := argSpec{kind: argApp, required: true}
	optApp := argSpec{kind: argApp}
	id := argSpec{kind: argID, required: true}
	rest := argSpec{kind: argRest}
	return newTable(
		&entry{name: CmdRollback, aliases: []string{"回滚", "rb"}, args: []argSpec{app, {kind: argVersion}, rest}, handle: handleRollback},
		&entry{name: CmdRelease, aliases: []string{"发布", "deploy"}, args: []argSpec{app, {kind: argBranch, required: true}, {kind: argOptions}, rest}, handle: handleRelease},
		&entry{name: CmdBranch, aliases: []string{"拉分支"}, args: []argSpec{app, {kind: argBranch, required: true}, rest}, handle: handleBranch},
		&entry{name: CmdBranches, aliases: []string{"分支"}, args: []argSpec{app}, handle: handleBranches},
		&entry{name: CmdApprove, aliases: []string{"同意", "批准", "lgtm"}, args: []argSpec{id, rest}, handle: handleApprove},
		&entry{name: CmdReject, aliases: []string{"拒绝", "驳回"}, args: []argSpec{id, rest}, handle: handleReject},
		&entry{name: CmdCancel, aliases: []string{"取消"}, args: []argSpec{id}, handle: handleCancel},
		&entry{name: CmdStatus, aliases: []string{"状态"}, args: []argSpec{optApp}, handle: handleStatus},
		&entry{name: CmdHistory, aliases: []string{"历史"}, args: []argSpec{app, {kind: argAll}, {kind: argCount}, {kind: argAll}}, handle: handleHistory},
		&entry{name: CmdLock, aliases: []string{"锁定"}, args: []argSpec{app, {kind: argRest, required: true}}, handle: handleLock},
		&entry{name: CmdUnlock, aliases: []string{"解锁"}, args: []argSpec{app}, handle: handleUnlock},
		&entry{name: CmdWindows, aliases: []string{"窗口"}, args: []argSpec{optApp}, handle: handleWindows},
		&entry{name: CmdAlerts, aliases: []string{"告警"}, args: []argSpec{optApp}, handle: handleAlerts},
		&entry{name: CmdWhoami, aliases: []string{"我是谁"}, handle: handleWhoami},
		&entry{name: CmdHelp, aliases: []string{"帮助", "?", "？"}, args: []argSpec{{kind: argTopic}}, handle: handleHelp},
	)
}

// appFor resolves an app named in a command, refusing one that does not
// belong to the group the command was typed in.
func (b *Bot) appFor(m Message, name string) (*core.App, *core.Refusal) {
	app, ref := b.cfg.Engine.App(name)
	if ref != nil {
		return nil, ref
	}
	if m.Group && m.ChatID != "" && !app.InChat(m.ChatID) {
		return nil, core.Refuse(core.CodeAppNotInChat, "app", app.Name)
	}
	return app, nil
}

func handleRollback(ctx context.Context, b *Bot, m Message, c *Command) Response {
	if c.Suggestion != 0 {
		return b.acceptSuggestion(ctx, m, c.Suggestion)
	}
	if c.ID != 0 {
		return b.rollbackFromCard(ctx, m, c.ID)
	}
	lang := b.lang(m)
	if _, ref := b.appFor(m, c.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	p, err := b.cfg.Engine.RequestRollback(ctx, core.RollbackRequest{Actor: b.actor(m), App: c.App,
		Version: c.Version, Reason: c.Text, Urgent: c.Urgent})
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	return b.requested(lang, m, p)
}

func handleRelease(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	app, ref := b.appFor(m, c.App)
	if ref != nil {
		return b.fail(ctx, lang, ref)
	}
	if app.Job == "" {
		return b.fail(ctx, lang, core.Refuse(core.CodeNoBuilder, "app", app.Name))
	}
	p, err := b.cfg.Engine.RequestRelease(ctx, core.ReleaseRequest{Actor: b.actor(m), App: c.App,
		Branch: c.Branch, Reason: c.Text, Urgent: c.Urgent, Options: c.Options})
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	return b.requested(lang, m, p)
}

// requested answers a new request: its card goes to the app's chats, the
// approvers get a 1:1 message, and the sender is told where the card is.
func (b *Bot) requested(lang string, m Message, p core.Plan) Response {
	r := p.Release
	if p.Repeat {
		return Response{Text: b.t(lang, "reply.repeat", "release", r.Label(), "status", r.Status), Release: &r}
	}
	app, _ := b.cfg.Engine.App(r.App)
	resp := Response{Card: b.card(lang, p, ""), CardChats: app.Chats, Release: &r}
	if !m.Group || !app.InChat(m.ChatID) || b.cfg.Local {
		resp.Text = b.t(lang, "reply.requested", "kind", b.t(lang, "kind."+string(r.Kind)), "release", r.Label(), "chats", b.chatNames(app.Chats))
	}
	if r.Status == core.StatusApproved {
		resp.Text = b.t(lang, "reply.approved_now", "release", r.Label())
	}
	if approvers := resp.Card.Mentions; len(approvers) > 0 {
		resp.Direct = []Direct{{Users: approvers, Text: b.t(lang, b.withButtons("reply.approver_dm"), "release", r.Label(),
			"summary", b.requestSummary(lang, p), "id", int64(r.ID))}}
	}
	return resp
}

func handleApprove(ctx context.Context, b *Bot, m Message, c *Command) Response {
	return b.decide(ctx, m, c, core.DecisionApprove)
}

func handleReject(ctx context.Context, b *Bot, m Message, c *Command) Response {
	return b.decide(ctx, m, c, core.DecisionReject)
}

func (b *Bot) decide(ctx context.Context, m Message, c *Command, d core.Decision) Response {
	lang := b.lang(m)
	if b.cfg.Local && !b.cfg.AllowLocalApprovals {
		return b.fail(ctx, lang, core.Refuse(core.CodeLocalApprovalsOff))
	}
	call := b.cfg.Engine.Approve
	if d == core.DecisionReject {
		call = b.cfg.Engine.Reject
	}
	r, err := call(ctx, b.actor(m), c.ID, c.Text)
	if err != nil {
		resp := b.fail(ctx, lang, err)
		resp.Private = m.Origin == core.OriginCard
		return resp
	}
	resp := Response{Release: &r}
	if d == core.DecisionReject {
		resp.Text = b.t(lang, "reply.rejected", "release", r.Label())
		return resp
	}
	have := 0
	for _, a := range r.Approvals {
		if a.Decision == core.DecisionApprove {
			have++
		}
	}
	next := b.t(lang, "reply.approved_go")
	if r.Status == core.StatusPendingApproval {
		next = b.t(lang, "reply.approved_wait", "left", r.ApprovalsNeeded-have)
	}
	resp.Text = b.t(lang, "reply.approved", "release", r.Label(), "have", have, "need", r.ApprovalsNeeded, "next", next)
	return resp
}

func handleCancel(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	r, err := b.cfg.Engine.Cancel(ctx, b.actor(m), c.ID)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	return Response{Text: b.t(lang, "reply.cancelled", "release", r.Label()), Release: &r}
}

func handleLock(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if _, ref := b.appFor(m, c.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	l, err := b.cfg.Engine.Lock(ctx, b.actor(m), c.App, c.Text)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	return Response{Text: b.t(lang, "reply.locked", "app", l.App, "reason", Neutral(l.Reason))}
}

func handleUnlock(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if _, ref := b.appFor(m, c.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	l, err := b.cfg.Engine.Unlock(ctx, b.actor(m), c.App)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	resp := Response{Text: b.t(lang, "reply.unlocked", "app", l.App, "kind", l.Kind, "holder", Neutral(l.Holder),
		"since", l.Since, "reason", b.LockReason(lang, l.Reason))}
	if l.Holder != "" && l.Holder != m.StaffID {
		resp.Direct = []Direct{{Users: []string{l.Holder}, Text: b.t(lang, "reply.unlock_dm", "who", m.StaffID,
			"app", l.App, "kind", l.Kind, "since", l.Since, "reason", b.LockReason(lang, l.Reason))}}
	}
	return resp
}

func handleWhoami(_ context.Context, b *Bot, m Message, _ *Command) Response {
	lang := b.lang(m)
	if !m.Group || m.ChatID == "" {
		return Response{Text: b.t(lang, "reply.whoami_1on1", "staff", m.StaffID)}
	}
	return Response{Text: b.t(lang, "reply.whoami", "chat", m.ChatID, "staff", m.StaffID)}
}
