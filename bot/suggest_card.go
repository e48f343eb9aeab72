package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dingops/dingops/core"
)

// SuggestionParams are the card template variables a suggestion card adds
// to CardParams; docs/alerts.md says how the template shows its button.
var SuggestionParams = []string{"suggestion_id", "suggest_button", "rollback_text"}

// SuggestionCard renders an alert suggestion's card: what went live and
// when, the alerts, and a button that rolls back to the previous good
// release while the suggestion is open. Resolved or filed, the button goes
// and the card says so.
func (b *Bot) SuggestionCard(lang string, v core.SuggestionView) *Card {
	s := v.Suggestion
	c := &Card{ReleaseID: s.RequestID, App: s.App, Title: b.t(lang, "suggest.title", "app", s.App, "target", s.Target)}
	live := b.t(lang, "suggest.live", "version", v.Live.Version, "ago", b.now().Sub(wentLive(v.Live)).Round(1e9),
		"by", v.Live.Requester, "at", wentLive(v.Live))
	rows := [][2]string{{b.t(lang, "suggest.label.live"), live}, {b.t(lang, "suggest.label.alerts"), b.alertList(lang, s.Alerts)}}
	result := b.suggestionResult(lang, v)
	var md strings.Builder
	fmt.Fprintf(&md, "### %s\n", c.Title)
	for _, row := range rows {
		fmt.Fprintf(&md, "- **%s**：%s\n", row[0], row[1])
	}
	question := b.t(lang, "suggest.question", "target", s.Target, "artifact", v.Target.Artifact.Label())
	if s.Open() {
		c.Mentions = b.approvers(core.Release{App: s.App, Kind: core.KindRollback})
		fmt.Fprintf(&md, "\n%s\n\n%s\n", question, b.t(lang, "suggest.instructions", "app", s.App, "target", s.Target))
	} else {
		fmt.Fprintf(&md, "\n%s\n", result)
	}
	c.Markdown = md.String()
	if lang == "en" {
		c.Markdown = strings.ReplaceAll(c.Markdown, "**：", "**: ")
	}
	c.Params = b.suggestionParams(lang, v, c, rows, question, result)
	return c
}

func (b *Bot) suggestionResult(lang string, v core.SuggestionView) string {
	switch s := v.Suggestion; {
	case v.Request != nil:
		return b.t(lang, "suggest.filed", "release", v.Request.Label(), "by", s.FiledBy)
	case !s.Resolved.IsZero():
		return b.t(lang, "suggest.resolved", "at", s.Resolved)
	}
	return ""
}

// alertList words each alert of a suggestion, firing or resolved.
func (b *Bot) alertList(lang string, recs []core.AlertRecord) string {
	parts := make([]string, 0, len(recs))
	for _, r := range recs {
		a := r.Alert
		if a.Status == core.AlertResolved {
			parts = append(parts, b.t(lang, "suggest.alert_resolved", "title", a.Title, "at", r.ResolvedAt))
			continue
		}
		sev, link := "", ""
		if a.Severity != "" {
			sev = b.t(lang, "suggest.severity", "severity", a.Severity)
		}
		if a.URL != "" {
			link = b.t(lang, "suggest.link", "url", a.URL)
		}
		parts = append(parts, b.t(lang, "suggest.alert", "title", a.Title, "severity", sev, "since", a.StartsAt, "link", link))
	}
	return strings.Join(parts, "; ")
}

func (b *Bot) suggestionParams(lang string, v core.SuggestionView, c *Card, rows [][2]string, question, result string) map[string]string {
	s := v.Suggestion
	button, status := "hide", "open"
	switch {
	case s.Open():
		button = "show"
	case v.Request != nil:
		status = "filed"
	default:
		status = "resolved"
	}
	rid := ""
	if s.RequestID != 0 {
		rid = strconv.FormatInt(int64(s.RequestID), 10)
	}
	return map[string]string{
		"title": c.Title, "release_id": rid, "app": s.App, "version": strconv.Itoa(v.Live.Version), "kind": "suggestion",
		"status": status, "status_text": question, "urgent": "false", "live": rows[0][1],
		"target": b.releasedBy(lang, v.Target), "requester": "", "reason": rows[1][1], "approvals": "", "expires": "",
		"commits": "", "progress": "", "result": result, "body": c.Markdown, "buttons": "hide",
		"approve_text": b.t(lang, "card.approve"), "reject_text": b.t(lang, "card.reject"),
		"suggestion_id": strconv.FormatInt(s.ID, 10), "suggest_button": button, "rollback_button": button,
		"rollback_text": b.t(lang, "suggest.button", "target", s.Target),
	}
}

// wentLive is when a release went live: its finish, or its creation for
// one recorded without.
func wentLive(r core.Release) time.Time {
	if !r.FinishedAt.IsZero() {
		return r.FinishedAt
	}
	return r.CreatedAt
}
