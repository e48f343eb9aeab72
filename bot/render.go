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
			"by", Neutral(st.Live.Requester), "at", at))
		for _, row := range b.visibleRows(lang, core.Plan{Release: *st.Live, Visible: st.LiveVisible}) {
			lines = append(lines, row[0]+map[bool]string{true: ": ", false: "："}[lang == "en"]+row[1])
		}
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
	if u := st.Unknown; u != nil {
		lines = append(lines, b.t(lang, "status.unsettled", "release", u.Label(), "error", firstLine(u.Error)))
	}
	if a := st.Active; a != nil {
		lines = append(lines, b.t(lang, "status.active", "release", a.Label(), "kind", b.t(lang, "kind."+string(a.Kind)),
			"status", a.Status, "requester", Neutral(a.Requester)))
	}
	for _, l := range st.Locks {
		if l.Kind == core.LockRun {
			continue
		}
		lines = append(lines, b.t(lang, "status.lock", "kind", l.Kind, "holder", Neutral(l.Holder), "since", l.Since, "reason", b.LockReason(lang, l.Reason)))
	}
	if w := b.statusWindow(lang, st); w != "" {
		lines = append(lines, w)
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
	folded := false
	for _, run := range historyRuns(rs, c.All) {
		if len(run) == 1 && !neverRan(run[0]) || c.All {
			lines = append(lines, "- "+b.historyLine(lang, run[0]))
			continue
		}
		lines = append(lines, "- "+b.foldedLine(lang, run))
		folded = true
	}
	if folded {
		lines = append(lines, b.t(lang, "history.folded_hint", "app", c.App))
	}
	return Response{Text: strings.Join(lines, "\n")}
}

// neverRan is a request that ended without touching the target: it keeps
// its version number (numbers are assigned when a request is made, so a
// card, an approval or the audit log always names the same version) but
// it is not a release anyone needs to read about.
func neverRan(r core.Release) bool {
	switch r.Status {
	case core.StatusRejected, core.StatusCancelled, core.StatusExpired:
		return true
	}
	return false
}

// historyRuns groups the newest-first history into runs: each release on
// its own, and consecutive requests that never ran together (unless all
// is asked for, when every release is a run of one).
func historyRuns(rs []core.Release, all bool) [][]core.Release {
	var runs [][]core.Release
	for _, r := range rs {
		n := len(runs)
		if !all && n > 0 && neverRan(r) && neverRan(runs[n-1][0]) {
			runs[n-1] = append(runs[n-1], r)
			continue
		}
		runs = append(runs, []core.Release{r})
	}
	return runs
}

// foldedLine is one line for a run of requests that never ran: their
// versions and how each ended.
func (b *Bot) foldedLine(lang string, run []core.Release) string {
	counts := map[core.Status]int{}
	for _, r := range run {
		counts[r.Status]++
	}
	var ends []string
	for _, s := range []core.Status{core.StatusCancelled, core.StatusRejected, core.StatusExpired} {
		if counts[s] > 0 {
			ends = append(ends, b.t(lang, "history.folded_count", "status", s, "n", counts[s]))
		}
	}
	versions := "v" + itoa(run[0].Version)
	if len(run) > 1 {
		versions = "v" + itoa(run[len(run)-1].Version) + "–v" + itoa(run[0].Version)
	}
	return b.t(lang, "history.folded", "versions", versions, "ends", ends)
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
	extra += b.historyExtra(lang, r)
	at := r.FinishedAt
	if at.IsZero() {
		at = r.CreatedAt
	}
	return b.t(lang, "history.line", "version", r.Version, "kind", b.t(lang, "kind."+string(r.Kind)),
		"artifact", r.Artifact.Label(), "requester", Neutral(r.Requester), "at", at, "status", r.Status, "extra", extra)
}

func handleHelp(_ context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	if c.Topic != "" {
		if e, ok := b.table.lookup[c.Topic]; ok {
			text := b.t(lang, "help.one", "usage", b.t(lang, usageKey(e.name)), "text", b.t(lang, helpKey(e.name)))
			if al := e.aliasList(); al != "" {
				text += "\n" + b.t(lang, "help.aliases", "aliases", al)
			}
			text += b.optionsHelp(lang, m, e.name)
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
