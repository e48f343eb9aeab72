package stream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// codeCardExists is createAndDeliver's answer for an outTrackId it has: the
// card went out before a crash, and the message is being handled again.
const codeCardExists = "param.cardAlreadyExist"

// postCards puts a new request's card into each of its chats, rendered in
// the chat's language, and records it first, so any replica can update it
// (an update that races the creation is retried).
func (t *Transport) postCards(ctx context.Context, m bot.Message, resp bot.Response) {
	r := *resp.Release
	lang := t.bot.ChatLang(m.ChatID)
	for _, chat := range resp.CardChats {
		c, clang := resp.Card, t.bot.ChatLang(chat)
		if clang != lang {
			var err error
			if c, err = t.bot.CardOf(ctx, clang, r, ""); err != nil {
				t.log.ErrorContext(ctx, "rendering card", "release", int64(r.ID), "chat", chat, "err", err)
				continue
			}
		}
		rec := store.CardRecord{OutTrackID: t.trackID(r.ID, chat, len(resp.CardChats)), ReleaseID: r.ID, ChatID: chat,
			Language: clang, Markdown: t.cfg.CardTemplateID == "", CreatedAt: t.now()}
		if err := t.cards.Record(ctx, rec); err != nil {
			t.log.ErrorContext(ctx, "recording card", "release", int64(r.ID), "chat", chat, "err", err)
			continue
		}
		t.postCard(ctx, rec, c)
	}
}

func (t *Transport) postCard(ctx context.Context, rec store.CardRecord, c *bot.Card) {
	if rec.Markdown {
		if _, err := t.api.SendGroupMessage(ctx, rec.ChatID, dingtalk.Markdown(c.Title, c.Markdown)); err != nil {
			t.apiError(ctx, "posting card as markdown", err, "release", int64(rec.ReleaseID), "chat", rec.ChatID)
		}
		return
	}
	card := dingtalk.Card{TemplateID: t.cfg.CardTemplateID, OutTrackID: rec.OutTrackID, ConversationID: rec.ChatID,
		AtUserIDs: mentions(c.Mentions), Data: c.Params}
	// Creating a card again is safe (DingTalk answers cardAlreadyExist), so
	// a failure is retried like card updates are.
	t.notifier.retry(ctx, "delivering card", func() error {
		err := t.api.CreateAndDeliverCard(ctx, card)
		if dingtalk.HasCode(err, codeCardExists) {
			return nil
		}
		return err
	}, "release", int64(rec.ReleaseID), "chat", rec.ChatID, "card", rec.OutTrackID)
}

// trackID is a card's outTrackId: the installation id (so a reset store
// never reuses an old card's id) and the release id, plus a digest of the
// chat when the release has cards in several chats.
func (t *Transport) trackID(id core.ReleaseID, chat string, chats int) string {
	s := fmt.Sprintf("%s-%d", t.inst, int64(id))
	if chats > 1 {
		sum := sha256.Sum256([]byte(chat))
		s += "-" + hex.EncodeToString(sum[:5])
	}
	return s
}

// mentions is atUserIds: staff id → the name shown; dingops knows only the
// staff ids.
func mentions(staff []string) map[string]string {
	if len(staff) == 0 {
		return nil
	}
	out := make(map[string]string, len(staff))
	for _, s := range staff {
		out[s] = s
	}
	return out
}
