package bot

import (
	"context"
	"strconv"

	"github.com/dingops/dingops/core"
)

// OutcomeText is the 1:1 message telling a requester how their release
// ended: the event's line and, for a success where /rollback <app> would
// apply (an earlier good release, no other active request), the command
// to type — 1:1 messages carry no card and so no Roll back button.
func (b *Bot) OutcomeText(ctx context.Context, lang string, ev core.Event) string {
	line := b.eventLine(lang, ev)
	if ev.Step != core.StepSucceeded {
		return b.redact(line)
	}
	p, err := b.cfg.Engine.PlanOf(ctx, ev.Release)
	if err != nil || p.RollbackTo == nil {
		return b.redact(line)
	}
	hint := b.t(lang, "card.rollback_hint_text", "app", ev.Release.App, "version", strconv.Itoa(p.RollbackTo.Version))
	return b.redact(line + "\n" + hint)
}
