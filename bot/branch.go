package bot

import (
	"context"
	"strings"

	"github.com/dingops/dingops/core"
)

// Brancher cuts and lists branches (core.Engine).
type Brancher interface {
	CutBranch(ctx context.Context, req core.CutRequest) (core.Branch, error)
	Branches(ctx context.Context, actor core.Actor, app string, limit int) ([]core.Branch, error)
}

// branchesShown bounds /branches.
const branchesShown = 20

func handleBranch(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if _, ref := b.appFor(m, c.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	if b.cfg.Brancher == nil {
		return b.fail(ctx, lang, core.Refuse(core.CodeNoBranching, "app", c.App))
	}
	br, err := b.cfg.Brancher.CutBranch(ctx, core.CutRequest{Actor: b.actor(m), App: c.App, Name: c.Branch, Requirement: c.Text})
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	return Response{Text: b.t(lang, "reply.branch_cut", "app", br.App, "branch", br.Name, "commit", shortCommit(br.Commit),
		"requirement", b.requirement(lang, br.Requirement))}
}

func handleBranches(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if _, ref := b.appFor(m, c.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	if b.cfg.Brancher == nil {
		return b.fail(ctx, lang, core.Refuse(core.CodeNoBranching, "app", c.App))
	}
	list, err := b.cfg.Brancher.Branches(ctx, b.actor(m), c.App, branchesShown)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	if len(list) == 0 {
		return Response{Text: b.t(lang, "branches.empty", "app", c.App)}
	}
	lines := []string{b.t(lang, "branches.header", "app", c.App, "n", len(list))}
	for _, br := range list {
		state := b.t(lang, "branches.unreleased")
		if br.Released {
			state = b.t(lang, "branches.released")
		}
		lines = append(lines, "- "+b.t(lang, "branches.line", "branch", br.Name, "requirement", b.requirement(lang, br.Requirement),
			"by", br.Requester, "at", br.CreatedAt, "state", state))
	}
	return Response{Text: strings.Join(lines, "\n")}
}

// requirement renders a requirement, its id as a link when it has one.
func (b *Bot) requirement(lang string, r core.Requirement) string {
	switch {
	case r.Text == "":
		return b.t(lang, "branches.no_requirement")
	case r.URL == "":
		return r.Text
	}
	return strings.Replace(r.Text, r.ID, "["+r.ID+"]("+r.URL+")", 1)
}

// optionsText renders a release's options as key=value pairs.
func optionsText(opts []core.OptionValue) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = o.Name + "=" + o.Value
	}
	return strings.Join(parts, " ")
}

func shortCommit(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

// releaseExtraRows are a release's requirement and options on its card.
func (b *Bot) releaseExtraRows(lang string, r core.Release) [][2]string {
	var rows [][2]string
	if r.Requirement.Text != "" {
		rows = append(rows, [2]string{b.t(lang, "card.requirement"), b.requirement(lang, r.Requirement)})
	}
	if len(r.Options) > 0 {
		rows = append(rows, [2]string{b.t(lang, "card.options"), optionsText(r.Options)})
	}
	return rows
}

// optionsHelp is what `/help release` adds: the release options of each
// app the reader can release here (the chat's apps in a group, every app
// in a 1:1 chat).
func (b *Bot) optionsHelp(lang string, m Message, n Name) string {
	if n != CmdRelease {
		return ""
	}
	var out []string
	for _, app := range b.cfg.Engine.Apps() {
		if len(app.Options) == 0 || (m.Group && m.ChatID != "" && !app.InChat(m.ChatID)) {
			continue
		}
		out = append(out, b.t(lang, "help.options", "app", app.Name))
		for _, o := range app.Options {
			def, req := "", ""
			if o.Default != "" {
				def = b.t(lang, "help.option_default", "value", o.Default)
			}
			if o.Required {
				req = b.t(lang, "help.option_required")
			}
			out = append(out, "- "+b.t(lang, "help.option", "name", o.Name, "allowed", o.AllowedText(),
				"default", def, "required", req, "description", o.Description))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "\n" + strings.Join(out, "\n")
}

// historyExtra is a /history line's requirement and options.
func (b *Bot) historyExtra(lang string, r core.Release) string {
	out := ""
	if r.Requirement.Text != "" {
		out += b.t(lang, "history.requirement", "requirement", b.requirement(lang, r.Requirement))
	}
	if len(r.Options) > 0 {
		out += b.t(lang, "history.options", "options", optionsText(r.Options))
	}
	return out
}
