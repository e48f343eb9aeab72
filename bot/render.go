package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dingops/dingops/core"
)

func itoa(n int) string { return strconv.Itoa(n) }

// visibleApps are the apps a message may name: the group's apps, or in a
// 1:1 chat the apps the sender has rights on.
func (b *Bot) visibleApps(m Message) []*core.App {
	var out []*core.App
	for _, a := range b.cfg.Engine.Apps() {
		if m.Group && m.ChatID != "" {
			if a.InChat(m.ChatID) {
				out = append(out, a)
			}
		} else if a.CanRequest(m.StaffID) || a.CanApprove(m.StaffID) || b.cfg.Local {
			out = append(out, a)
		}
	}
	return out
}

func handleStatus(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	apps := b.visibleApps(m)
	if c.App != "" {
		app, ref := b.appFor(m, c.App)
		if ref != nil {
			return b.fail(ctx, lang, ref)
		}
		apps = []*core.App{app}
	}
	if len(apps) == 0 {
		return Response{Text: b.t(lang, "status.no_apps")}
	}
	var parts []string
	for _, a := range apps {
		st, err := b.cfg.Engine.Status(ctx, a.Name)
		if err != nil {
			return b.fail(ctx, lang, err)
		}
		parts = append(parts, b.statusBlock(lang, st))
	}
	return Response{Text: strings.Join(parts, "\n\n")}
}

func (b *Bot) statusBlock(lang string, st core.AppStatus) string {
	lines := []string{b.t(lang, "status.header", "app", st.App.Name, "target", string(st.App.Target))}
	if st.Live != nil {
		at := st.Live.FinishedAt
		lines = append(lines, b.t(lang, "status.live", "version", st.Live.Version, "artifact", st.Live.Artifact.Label(),
			"by", st.Live.Requester, "at", at))
	} else {
		lines = append(lines, b.t(lang, "status.live_none"))
	}
	switch {
	case st.Mismatch():
		lines = append(lines, b.t(lang, "status.mismatch", "actual", st.LiveArtifact.Label(), "recorded", st.Live.Artifact.Label()))
	case st.Live == nil && !st.LiveArtifact.IsZero():
		lines = append(lines, b.t(lang, "status.live_target", "artifact", st.LiveArtifact.Label()))
	case st.LiveErr != "":
		lines = append(lines, b.t(lang, "status.live_err", "err", st.LiveErr))
	}
	if a := st.Active; a != nil {
		lines = append(lines, b.t(lang, "status.active", "release", a.Label(), "kind", b.t(lang, "kind."+string(a.Kind)),
			"status", a.Status, "requester", a.Requester))
	}
	for _, l := range st.Locks {
		if l.Kind == core.LockRun {
			continue
		}
		lines = append(lines, b.t(lang, "status.lock", "kind", l.Kind, "holder", l.Holder, "since", l.Since, "reason", l.Reason))
	}
	if st.Window != nil {
		lines = append(lines, b.t(lang, "status.window", "text", b.windowWhy(lang, *st.Window)))
	}
	return strings.Join(lines, "\n")
}

func handleHistory(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if _, ref := b.appFor(m, c.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	n := c.N
	if n == 0 {
		n = 10
	}
	rs, err := b.cfg.Engine.History(ctx, c.App, n)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	if len(rs) == 0 {
		return Response{Text: b.t(lang, "history.empty", "app", c.App)}
	}
	lines := []string{b.t(lang, "history.header", "app", c.App, "n", len(rs))}
	for _, r := range rs {
		lines = append(lines, "- "+b.historyLine(lang, r))
	}
	return Response{Text: strings.Join(lines, "\n")}
}

func (b *Bot) historyLine(lang string, r core.Release) string {
	extra := ""
	if r.Kind == core.KindRollback {
		extra += b.t(lang, "history.rollback_of", "version", r.RollbackOf)
	}
	if r.RolledBack {
		extra += b.t(lang, "history.rolled_back")
	}
	if by, why := rejection(r); by != "" {
		extra += b.rejectedNote(lang, by, why)
	}
	at := r.FinishedAt
	if at.IsZero() {
		at = r.CreatedAt
	}
	return b.t(lang, "history.line", "version", r.Version, "kind", b.t(lang, "kind."+string(r.Kind)),
		"artifact", r.Artifact.Label(), "requester", r.Requester, "at", at, "status", r.Status, "extra", extra)
}

func handleHelp(_ context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if c.Topic != "" {
		if e, ok := b.table.lookup[c.Topic]; ok {
			text := b.t(lang, "help.one", "usage", b.t(lang, usageKey(e.name)), "text", b.t(lang, helpKey(e.name)))
			if al := e.aliasList(); al != "" {
				text += "\n" + b.t(lang, "help.aliases", "aliases", al)
			}
			return Response{Text: text}
		}
		return Response{Text: b.renderNotice(lang, notice("parse.unknown", "got", c.Topic))}
	}
	lines := []string{b.t(lang, "help.header")}
	for _, e := range b.table.entries {
		line := fmt.Sprintf("- `%s` %s", b.t(lang, usageKey(e.name)), b.t(lang, helpKey(e.name)))
		if al := e.aliasList(); al != "" {
			line += "（" + al + "）"
			if lang == "en" {
				line = strings.NewReplacer("（", " (", "）", ")").Replace(line)
			}
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", b.t(lang, "help.footer"))
	return Response{Text: strings.Join(lines, "\n")}
}
