package stream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/store"
)

// PostSuggestion puts an alert suggestion's card into each chat, in the
// chat's language. The cards are recorded first, so another replica adding
// an alert to the suggestion meanwhile finds them to update, and each is
// rendered after that from the store, so it shows every alert so far.
func (t *Transport) PostSuggestion(ctx context.Context, id int64, chats []string) {
	var recs []store.SuggestionCard
	for _, chat := range chats {
		rec := store.SuggestionCard{OutTrackID: t.suggestionTrackID(id, chat, len(chats)), SuggestionID: id, ChatID: chat,
			Language: t.bot.ChatLang(chat), Markdown: t.cfg.CardTemplateID == "", CreatedAt: t.now()}
		fresh, err := t.cfg.Store.RecordSuggestionCard(ctx, rec)
		if err != nil {
			t.log.ErrorContext(ctx, "recording suggestion card", "suggestion", id, "chat", chat, "err", err)
			continue
		}
		if fresh {
			recs = append(recs, rec)
		}
	}
	for _, rec := range recs {
		c, err := t.bot.SuggestionCardOf(ctx, rec.Language, id)
		if err != nil {
			t.log.ErrorContext(ctx, "rendering suggestion card", "suggestion", id, "err", err)
			continue
		}
		t.postCard(ctx, store.CardRecord{OutTrackID: rec.OutTrackID, ChatID: rec.ChatID, Markdown: rec.Markdown}, c)
	}
}

// RefreshSuggestion brings every card of a suggestion up to date: a new
// alert, a resolve, a rollback filed from it. A markdown post cannot be
// edited; it gets one new post when the suggestion closes.
func (t *Transport) RefreshSuggestion(ctx context.Context, id int64) {
	recs, err := t.cfg.Store.SuggestionCards(ctx, id)
	if err != nil {
		t.log.ErrorContext(ctx, "reading suggestion cards", "suggestion", id, "err", err)
		return
	}
	for _, rec := range recs {
		c, err := t.bot.SuggestionCardOf(ctx, rec.Language, id)
		if err != nil {
			t.log.ErrorContext(ctx, "rendering suggestion card", "suggestion", id, "err", err)
			return
		}
		t.sendSuggestion(ctx, rec, c)
	}
}

func (t *Transport) sendSuggestion(ctx context.Context, rec store.SuggestionCard, c *bot.Card) {
	if rec.Markdown {
		if c.Params["suggest_button"] == "show" {
			return
		}
		t.notifier.retry(ctx, "posting suggestion end", func() error {
			_, err := t.api.SendGroupMessage(ctx, rec.ChatID, dingtalk.Markdown(c.Title, c.Markdown))
			return err
		}, "suggestion", rec.SuggestionID, "chat", rec.ChatID)
		return
	}
	// An update can race the card's creation on another replica: retried.
	t.notifier.retry(ctx, "updating suggestion card", func() error {
		return t.api.UpdateCard(ctx, dingtalk.CardUpdate{OutTrackID: rec.OutTrackID, Data: c.Params})
	}, "suggestion", rec.SuggestionID, "card", rec.OutTrackID)
}

// DeliverAlert sends what the bot made of an alert that filed a rollback:
// its approval cards and direct messages, like a chat request's.
func (t *Transport) DeliverAlert(ctx context.Context, resp bot.Response) {
	t.deliver(ctx, inbound{}, resp)
	t.caughtUp(resp)
}

// caughtUp re-reads a release whose card was just posted: an alert's
// rollback may be approved already, and the worker's updates that came
// before the card existed found no card to update.
func (t *Transport) caughtUp(resp bot.Response) {
	if resp.Card != nil && resp.Release != nil {
		t.notifier.refresh(resp.Release.ID)
	}
}

// SayInChats posts a line about an alert into chats, each in its language.
func (t *Transport) SayInChats(ctx context.Context, chats []string, text func(lang string) string) {
	for _, chat := range chats {
		s := text(t.bot.ChatLang(chat))
		if s == "" {
			continue
		}
		if _, err := t.api.SendGroupMessage(ctx, chat, markdown(s)); err != nil {
			t.apiError(ctx, "posting alert note", err, "chat", chat)
		}
	}
}

// suggestionTrackID is a suggestion card's outTrackId: the installation
// id, "s" and the suggestion id (never a release card's id), plus a digest
// of the chat when it has cards in several chats.
func (t *Transport) suggestionTrackID(id int64, chat string, chats int) string {
	s := fmt.Sprintf("%s-s%d", t.inst, id)
	if chats > 1 {
		sum := sha256.Sum256([]byte(chat))
		s += "-" + hex.EncodeToString(sum[:5])
	}
	return s
}
