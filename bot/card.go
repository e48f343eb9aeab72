package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dingops/dingops/core"
)

// Card is one release's card as rendered for one language: the markdown a
// text transport shows, and the variables a DingTalk card template takes.
type Card struct {
	ReleaseID core.ReleaseID
	App       string
	Status    core.Status
	Pending   bool // the Approve/Reject buttons show
	Title     string
	Markdown  string
	Mentions  []string // approvers to @-mention while pending
	Params    map[string]string
	// RollbackTo is what the card's Roll back button (or the /rollback
	// hint in markdown) goes back to; nil hides both (card_rollback.go).
	RollbackTo *core.Release
}

// CardParam names the template variables; docs/dingtalk-setup.md lists them.
var CardParams = []string{"title", "release_id", "app", "version", "kind", "status", "status_text", "urgent",
	"live", "target", "requester", "reason", "approvals", "expires", "commits", "progress", "result", "body",
	"buttons", "approve_text", "reject_text", "rollback_button", "rollback_text", "suggestion_id"}

// card renders a plan's card; progress is the latest progress line, if any.
func (b *Bot) card(lang string, p core.Plan, progress string) *Card {
	r := p.Release
	f := b.fmt(lang)
	c := &Card{ReleaseID: r.ID, App: r.App, Status: r.Status, Pending: r.Status == core.StatusPendingApproval,
		RollbackTo: p.RollbackTo}
	c.Title = b.t(lang, "card.title."+string(r.Kind), "release", r.Label())
	if r.Urgent {
		c.Title = b.t(lang, "word.urgent") + " " + c.Title
	}
	rows := b.cardRows(lang, p)
	if c.Pending {
		c.Mentions = b.approvers(r)
	}
	result := b.redact(b.cardResult(lang, r, outputTail))
	c.Title, progress = b.redact(c.Title), b.redact(Neutral(progress)) // a script's output line
	for i := range rows {
		rows[i][1] = b.redact(rows[i][1])
	}
	c.Markdown = b.cardMarkdown(lang, c, rows, progress, result)
	c.Params = b.cardParams(lang, p, c, rows, progress, result, f)
	for k, v := range c.Params { // values taken from the plan itself
		c.Params[k] = b.redact(v)
	}
	return c
}

// cardMarkdown is the whole card as markdown: the title, the rows, the
// progress line while the work runs, the result and, while pending, how to
// decide.
func (b *Bot) cardMarkdown(lang string, c *Card, rows [][2]string, progress, result string) string {
	var md strings.Builder
	fmt.Fprintf(&md, "### %s\n", c.Title)
	for _, row := range rows {
		fmt.Fprintf(&md, "- **%s**：%s\n", row[0], row[1])
	}
	if progress != "" && !c.Status.Final() {
		fmt.Fprintf(&md, "- **%s**：%s\n", b.t(lang, "card.progress"), progress)
	}
	if result != "" {
		fmt.Fprintf(&md, "\n%s\n", result)
	}
	if c.Pending {
		fmt.Fprintf(&md, "\n%s\n", b.t(lang, b.withButtons("card.instructions"), "id", int64(c.ReleaseID)))
	}
	if hint := b.rollbackHint(lang, c); hint != "" {
		fmt.Fprintf(&md, "\n%s\n", hint)
	}
	if lang == "en" {
		return strings.ReplaceAll(md.String(), "**：", "**: ")
	}
	return md.String()
}

// cardRows are the label/value lines of a card, in order.
func (b *Bot) cardRows(lang string, p core.Plan) [][2]string {
	r := p.Release
	rows := [][2]string{{b.t(lang, "card.status"), b.statusText(lang, r)}}
	live := b.t(lang, "card.none_live")
	if p.Live != nil {
		live = b.releasedBy(lang, *p.Live)
	}
	rows = append(rows, [2]string{b.t(lang, "card.live"), live})
	if p.Mismatch() {
		rows = append(rows, [2]string{b.t(lang, "card.drift"), b.t(lang, "card.mismatch", "actual", p.LiveArtifact.Label())})
	}
	if r.Kind == core.KindRollback && p.Target != nil {
		rows = append(rows, [2]string{b.t(lang, "card.target"), b.releasedBy(lang, *p.Target)})
	} else {
		if r.Branch != "" {
			rows = append(rows, [2]string{b.t(lang, "card.branch"), Neutral(r.Branch) + " " + short(r.Commit)})
		}
		rows = append(rows, b.releaseExtraRows(lang, r)...)
		if !r.Artifact.IsZero() {
			rows = append(rows, [2]string{b.t(lang, "card.artifact"), r.Artifact.Label()})
		}
	}
	rows = append(rows, b.commitRows(lang, p)...)
	for _, w := range p.Warnings {
		rows = append(rows, [2]string{b.t(lang, "card.warning"), b.reasonText(lang, w)})
	}
	rows = append(rows, [2]string{b.t(lang, "card.requester"), Neutral(r.Requester)})
	if r.Reason != "" {
		rows = append(rows, [2]string{b.t(lang, "card.reason"), Neutral(r.Reason)})
	}
	if by, why := rejection(r); why != "" {
		rows = append(rows, [2]string{b.t(lang, "card.reject_reason"), b.t(lang, "card.reject_reason_value", "by", Neutral(by), "reason", Neutral(why))})
	}
	if r.ApprovalsNeeded > 0 {
		rows = append(rows, [2]string{b.t(lang, "card.approvals"), b.approvalText(lang, r)})
		if r.Status == core.StatusPendingApproval && !r.ExpiresAt.IsZero() {
			rows = append(rows, [2]string{b.t(lang, "card.expires"), b.fmt(lang).time(r.ExpiresAt)})
		}
	}
	if r.BuildRef != "" {
		rows = append(rows, [2]string{b.t(lang, "card.build"), b.buildText(lang, r.BuildRef)})
	}
	return append(rows, b.visibleRows(lang, p)...)
}

func (b *Bot) releasedBy(lang string, r core.Release) string {
	at := r.FinishedAt
	if at.IsZero() {
		at = r.CreatedAt
	}
	return b.t(lang, "card.released_by", "version", fmt.Sprintf("v%d", r.Version), "artifact", r.Artifact.Label(),
		"by", Neutral(r.Requester), "at", at)
}

func (b *Bot) statusText(lang string, r core.Release) string {
	s := b.fmt(lang).value(r.Status)
	decided := b.decisions(lang, r)
	if len(decided) > 0 && r.Status != core.StatusPendingApproval {
		s += "（" + strings.Join(decided, "; ") + "）"
		if lang == "en" {
			s = strings.NewReplacer("（", " (", "）", ")").Replace(s)
		}
	}
	return s
}

func (b *Bot) approvalText(lang string, r core.Release) string {
	have := 0
	for _, a := range r.Approvals {
		if a.Decision == core.DecisionApprove {
			have++
		}
	}
	mentions := make([]string, 0)
	for _, s := range b.approvers(r) {
		mentions = append(mentions, "@"+s)
	}
	return b.t(lang, "card.approvals_value", "have", have, "need", r.ApprovalsNeeded, "approvers", mentions)
}

// approvers are the people who may approve r, without its requester.
func (b *Bot) approvers(r core.Release) []string {
	app, ref := b.cfg.Engine.App(r.App)
	if ref != nil {
		return nil
	}
	var out []string
	for _, s := range app.Approvers {
		if s != r.Requester || app.Policy.For(r.Kind, r.Urgent).SelfApproval {
			out = append(out, s)
		}
	}
	return out
}

// cardResult is the outcome once the work ended, with the last tail lines
// of a failed build's output (none when tail is 0).
func (b *Bot) cardResult(lang string, r core.Release, tail int) string {
	switch r.Status {
	case core.StatusSucceeded:
		return b.t(lang, "card.done", "elapsed", r.Elapsed())
	case core.StatusUnknown:
		return b.t(lang, "card.unknown", "error", Neutral(firstLine(r.Error)))
	case core.StatusFailed, core.StatusExpired, core.StatusCancelled:
		errText := b.releaseNote(lang, r.Error)
		if ref, ok := core.DecodeRefusal(r.Error); ok {
			errText = b.t(lang, "card.recheck") + b.refusalText(lang, ref)
		}
		out := b.t(lang, "card.failed", "error", errText)
		if r.Status != core.StatusFailed {
			out = b.t(lang, "card.ended", "status", r.Status, "error", b.releaseNote(lang, r.Error))
		}
		if lines := fenced(lastLines(r.Output, tail)); lines != "" && tail > 0 && r.Status == core.StatusFailed {
			out += "\n\n" + b.t(lang, "card.output") + "：\n```\n" + lines + "\n```"
		}
		return out
	}
	return ""
}

func (b *Bot) cardParams(lang string, p core.Plan, c *Card, rows [][2]string, progress, result string, f formatter) map[string]string {
	r := p.Release
	get := func(label string) string {
		for _, row := range rows {
			if row[0] == label {
				return row[1]
			}
		}
		return ""
	}
	buttons := "hide"
	if c.Pending {
		buttons = "show"
	}
	return fitParams(b.rollbackParams(lang, c, map[string]string{
		"title": c.Title, "release_id": strconv.FormatInt(int64(r.ID), 10), "app": r.App,
		"version": strconv.Itoa(r.Version), "kind": string(r.Kind), "status": string(r.Status),
		"status_text": get(b.t(lang, "card.status")), "urgent": strconv.FormatBool(r.Urgent),
		"live": get(b.t(lang, "card.live")), "target": get(b.t(lang, "card.target")),
		"requester": Neutral(r.Requester), "reason": Neutral(r.Reason), "approvals": get(b.t(lang, "card.approvals")),
		"expires": get(b.t(lang, "card.expires")), "commits": b.fitCommitsParam(lang, p),
		"progress": progress, "result": b.fitResult(lang, r, result), "body": b.cardBody(lang, p, c, rows, progress),
		"buttons":      buttons,
		"approve_text": b.t(lang, "card.approve"), "reject_text": b.t(lang, "card.reject"),
	}))
}

func commitList(cs []core.Commit) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		parts = append(parts, strings.TrimSpace(short(c.SHA)+" "+Neutral(c.Subject)+" ("+Neutral(c.Author)+")"))
	}
	return strings.Join(parts, "; ")
}

func short(sha string) string { return abbrev(sha) }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// fenced is output made safe inside a ``` block: a line of its own cannot
// close the fence and go on as markdown.
func fenced(s string) string { return strings.ReplaceAll(s, "```", "ˋˋˋ") }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
