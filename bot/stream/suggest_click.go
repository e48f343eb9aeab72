package stream

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/card"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// BadSuggestion names a rollback button without a usable suggestion id.
const BadSuggestion = "suggestion_id"

// isReleaseRollback tells the Roll back button of a release card (no
// suggestion id, a release id) from a suggestion card's: the shipped
// template has one rollback button for both (bot/card_rollback.go).
func isReleaseRollback(params map[string]json.RawMessage) bool {
	return strings.TrimSpace(scalar(params["suggestion_id"])) == "" && strings.TrimSpace(scalar(params["release_id"])) != ""
}

// readSuggestion reads the rollback button of a suggestion card.
func readSuggestion(k Click, params map[string]json.RawMessage) (Click, error) {
	k.Action = bot.CmdRollback
	raw := strings.TrimSpace(scalar(params["suggestion_id"]))
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return k, &BadClick{Field: BadSuggestion, Got: raw}
	}
	k.Suggestion = id
	return k, nil
}

// answerSuggestion answers a click on a suggestion's rollback button: the
// click becomes /rollback with the suggestion (origin card, the clicker's
// staff id). Filed, the answer is the suggestion card without its button;
// the approval card goes to the app's chats and the suggestion's other
// cards are brought up to date in the background, outside DingTalk's 2 s.
func (t *Transport) answerSuggestion(ctx context.Context, k Click) *card.CardResponse {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.CallbackBudget)
	defer cancel()
	rec, err := t.cfg.Store.SuggestionCardByTrackID(ctx, k.OutTrackID)
	lang := t.bot.ChatLang(k.SpaceID)
	if err == nil {
		lang = orStr(rec.Language, lang)
	}
	if err == nil && rec.SuggestionID != k.Suggestion {
		err = &BadClick{Field: BadSuggestion, Got: strconv.FormatInt(k.Suggestion, 10) + " on the card of suggestion " +
			strconv.FormatInt(rec.SuggestionID, 10)}
	}
	if err != nil {
		if !errors.Is(err, core.ErrNotFound) {
			t.log.WarnContext(ctx, "refusing a suggestion click", "card", k.OutTrackID, "user", k.UserID, "err", err)
		}
		return private(t.bot.RefusalText(ctx, lang, core.Refuse(core.CodeSuggestionNotFound, "id", k.Suggestion)))
	}
	m := bot.Message{ID: "card:" + k.OutTrackID + ":" + k.UserID + ":rollback", ChatID: rec.ChatID, Group: true,
		StaffID: k.UserID, Origin: core.OriginCard, At: t.now(), Language: lang}
	resp := t.bot.Run(ctx, m, &bot.Command{Name: bot.CmdRollback, Suggestion: k.Suggestion})
	if resp.Refused || resp.Release == nil {
		return private(resp.Text)
	}
	go t.afterSuggestion(m, resp)
	c, err := t.bot.SuggestionCardOf(ctx, lang, k.Suggestion)
	if err != nil {
		t.log.ErrorContext(ctx, "rendering clicked suggestion card", "suggestion", k.Suggestion, "err", err)
		return private(resp.Text)
	}
	return &card.CardResponse{CardUpdateOptions: &card.CardUpdateOptions{UpdateCardDataByKey: true, UpdatePrivateDataByKey: true},
		CardData: &card.CardDataDto{CardParamMap: c.Params}, UserPrivateData: &card.CardDataDto{CardParamMap: map[string]string{NoticeParam: ""}}}
}

// afterSuggestion posts the filed rollback's approval card and refreshes
// the suggestion's cards, after the click's answer.
func (t *Transport) afterSuggestion(m bot.Message, resp bot.Response) {
	ctx, cancel := context.WithTimeout(t.life, t.cfg.HandleTimeout)
	defer cancel()
	resp.Text = ""
	if resp.Card != nil {
		t.postCards(ctx, m, resp)
		t.caughtUp(resp)
	}
	for _, d := range resp.Direct {
		t.direct(ctx, d.Users, d.Text)
	}
	t.RefreshSuggestion(ctx, resp.Suggestion)
}
