package bot

import (
	"context"
	"strconv"

	"github.com/dingops/dingops/core"
)

// rollbackHint is the line under a finished card saying how to go back:
// the button, or the command to type when cards have no buttons. "" when
// the card offers no rollback.
func (b *Bot) rollbackHint(lang string, c *Card) string {
	if c.RollbackTo == nil {
		return ""
	}
	return b.t(lang, b.withButtons("card.rollback_hint"), "app", c.App, "version", c.RollbackTo.Version)
}

// rollbackParams adds the Roll back button's variables to a release card's
// params. The shipped template has one rollback button for release and
// suggestion cards: with suggestion_id empty the click files /rollback for
// the card's app (bot/stream/rollback_click.go).
func (b *Bot) rollbackParams(lang string, c *Card, m map[string]string) map[string]string {
	m["rollback_button"], m["rollback_text"], m["suggestion_id"] = "hide", "", ""
	if c.RollbackTo != nil {
		m["rollback_button"] = "show"
		m["rollback_text"] = b.t(lang, "card.rollback", "version", strconv.Itoa(c.RollbackTo.Version))
	}
	return m
}

// rollbackFromCard is a click on the Roll back button of release id's
// card: the same request as /rollback <app> typed by the clicker, with
// every rule of a typed one; with the policy's one_click an approver's
// click also approves.
func (b *Bot) rollbackFromCard(ctx context.Context, m Message, id core.ReleaseID) Response {
	lang := b.lang(m)
	r, err := b.cfg.Engine.Release(ctx, id)
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	if _, ref := b.appFor(m, r.App); ref != nil {
		return b.fail(ctx, lang, ref)
	}
	p, err := b.cfg.Engine.RequestRollback(ctx, core.RollbackRequest{Actor: b.actor(m), App: r.App, OneClick: true})
	if err != nil {
		return b.fail(ctx, lang, err)
	}
	return b.requested(lang, m, p)
}
