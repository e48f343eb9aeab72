package stream

import (
	"context"
	"strconv"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/card"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// answerRollback answers a click on the Roll back button of a finished
// release's card: the click becomes /rollback for the card's app as the
// clicker (origin card), with every rule of a typed request. A refusal is
// shown to the clicker alone. Filed, the clicked card is answered without
// its button (a request is now active) and the new request's approval
// card goes to the app's chats in the background, outside DingTalk's 2 s.
func (t *Transport) answerRollback(ctx context.Context, k Click, tg clickTarget) *card.CardResponse {
	// Unique per click: a later incident's click on the same card is a new
	// request, and a double click is refused by the active-request rule.
	m := bot.Message{ID: "card:" + k.OutTrackID + ":" + k.UserID + ":rollback:" + strconv.FormatInt(t.now().UnixMilli(), 10),
		ChatID: tg.chat, Group: tg.group, StaffID: k.UserID, Origin: core.OriginCard, At: t.now(), Language: tg.lang}
	cmd := bot.Command{Name: bot.CmdRollback, ID: k.ReleaseID}
	resp := t.bot.Run(ctx, m, &cmd)
	if resp.Refused || resp.Release == nil {
		if resp.Release == nil && t.storeTrouble(ctx) {
			return private(t.spoolClick(ctx, tg.lang, m, cmd))
		}
		return private(resp.Text)
	}
	go t.afterRollbackClick(m, resp)
	clicked, err := t.cfg.Releases.Release(ctx, k.ReleaseID)
	var c *bot.Card
	if err == nil {
		c, err = t.bot.CardOf(ctx, tg.lang, clicked, "")
	}
	notice := orStr(resp.Text, t.bot.T(tg.lang, "stream.rollback_filed", "release", resp.Release.Label()))
	if err != nil {
		t.log.ErrorContext(ctx, "rendering clicked card", "release", int64(k.ReleaseID), "err", err)
		return private(notice)
	}
	return &card.CardResponse{CardUpdateOptions: &card.CardUpdateOptions{UpdateCardDataByKey: true, UpdatePrivateDataByKey: true},
		CardData:        &card.CardDataDto{CardParamMap: c.Params},
		UserPrivateData: &card.CardDataDto{CardParamMap: map[string]string{NoticeParam: bot.FitCardValue(notice)}}}
}

// afterRollbackClick posts the filed rollback's approval card and the
// approvers' 1:1 messages, after the click's answer.
func (t *Transport) afterRollbackClick(m bot.Message, resp bot.Response) {
	ctx, cancel := context.WithTimeout(t.life, t.cfg.HandleTimeout)
	defer cancel()
	if resp.Card != nil {
		t.postCards(ctx, m, resp)
		t.caughtUp(resp)
	}
	for _, d := range resp.Direct {
		t.direct(ctx, d.Users, d.Text)
	}
}
