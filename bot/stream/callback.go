package stream

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/card"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/payload"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// NoticeParam is the card template variable that carries a refusal to the
// clicker alone, through the callback answer's userPrivateData.
const NoticeParam = "notice"

// onCardFrame answers a card button click within DingTalk's 2 s: the click
// becomes the same command as typed /approve N or /reject N (origin card,
// the clicker's staff id) and runs through the bot. The answer carries the
// card's new public state for a decision, or leaves the public card alone
// and tells the clicker privately why nothing happened. DingTalk pushes a
// click once, so a click the store cannot take goes to the local spool and
// runs when the store is back; the clicker is told it was kept, or (spool
// full) that it was not taken and to click again.
func (t *Transport) onCardFrame(ctx context.Context, df *payload.DataFrame) (*payload.DataFrameResponse, error) {
	answer := t.answerClick(ctx, []byte(df.Data))
	resp := payload.NewSuccessDataFrameResponse()
	if err := resp.SetJson(map[string]any{"response": answer}); err != nil {
		return nil, err
	}
	return resp, nil
}

// clickTarget is where a clicked card is and the language it speaks.
type clickTarget struct {
	chat  string
	lang  string
	group bool
}

func (t *Transport) answerClick(ctx context.Context, data []byte) *card.CardResponse {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.CallbackBudget)
	defer cancel()
	k, err := DecodeCardCallback(data)
	if err == nil && k.Suggestion != 0 {
		return t.answerSuggestion(ctx, k)
	}
	if err == nil {
		err = t.checkCard(k)
	}
	tg := t.target(ctx, k)
	if err != nil {
		t.log.WarnContext(ctx, "refusing a card click", "card", k.OutTrackID, "user", k.UserID, "err", err)
		return private(t.badClickText(ctx, tg.lang, k, err))
	}
	if k.Action == bot.CmdRollback {
		return t.answerRollback(ctx, k, tg)
	}
	decided := false
	t.notifier.hold(k.ReleaseID)
	defer func() { t.notifier.settle(k.ReleaseID, decided) }()
	m := bot.Message{ID: "card:" + k.OutTrackID + ":" + k.UserID + ":" + string(k.Action), ChatID: tg.chat,
		Group: tg.group, StaffID: k.UserID, Origin: core.OriginCard, At: t.now(), Language: tg.lang}
	cmd := bot.Command{Name: k.Action, ID: k.ReleaseID}
	resp := t.bot.Run(ctx, m, &cmd)
	if decided = !resp.Refused && resp.Release != nil; !decided {
		if resp.Release == nil && t.storeTrouble(ctx) {
			return private(t.spoolClick(ctx, tg.lang, m, cmd))
		}
		return private(resp.Text)
	}
	c, err := t.bot.CardOf(ctx, tg.lang, *resp.Release, "")
	if err != nil {
		// The decision is recorded; the notifier brings the card up to date.
		t.log.ErrorContext(ctx, "rendering clicked card", "release", int64(k.ReleaseID), "err", err)
		return private(resp.Text)
	}
	return &card.CardResponse{CardUpdateOptions: &card.CardUpdateOptions{UpdateCardDataByKey: true, UpdatePrivateDataByKey: true},
		CardData: &card.CardDataDto{CardParamMap: c.Params}, UserPrivateData: &card.CardDataDto{CardParamMap: map[string]string{NoticeParam: ""}}}
}

// checkCard makes sure the button belongs to the card and the card to this
// installation: the card's id is the installation id plus the release id,
// so a card from before a database reset cannot decide the new database's
// release that happens to have the same number.
func (t *Transport) checkCard(k Click) error {
	rest, ours := strings.CutPrefix(k.OutTrackID, t.inst+"-")
	if !ours {
		return &BadClick{Field: BadCallback, Got: "card " + k.OutTrackID + " is not from installation " + t.inst}
	}
	digits, _, _ := strings.Cut(rest, "-")
	if digits != strconv.FormatInt(int64(k.ReleaseID), 10) {
		return &BadClick{Field: BadRelease, Got: k.ReleaseID.String(), Card: "#" + digits}
	}
	return nil
}

// target reads the clicked card's record: its chat and language (the
// callback's space and that chat's language when there is no record).
func (t *Transport) target(ctx context.Context, k Click) clickTarget {
	tg := clickTarget{chat: k.SpaceID, lang: t.bot.ChatLang(k.SpaceID), group: k.SpaceID != ""}
	if k.OutTrackID == "" {
		return tg
	}
	rec, err := t.cards.ByTrackID(ctx, k.OutTrackID)
	if err != nil {
		if !errors.Is(err, core.ErrNotFound) {
			t.log.ErrorContext(ctx, "reading clicked card", "card", k.OutTrackID, "err", err)
		}
		return tg
	}
	return clickTarget{chat: rec.ChatID, lang: orStr(rec.Language, tg.lang), group: true}
}

// badClickText words a click dingops cannot act on with the parser's own
// sentences; a callback that is not even well formed (a template without
// the callback params) is an operator's problem, logged under a reference.
func (t *Transport) badClickText(ctx context.Context, lang string, k Click, err error) string {
	var bad *BadClick
	if !errors.As(err, &bad) {
		return t.bot.RefusalText(ctx, lang, err)
	}
	usage := t.bot.T(lang, "usage."+string(orName(k.Action, bot.CmdApprove)))
	switch {
	case bad.Field == BadAction && bad.Got != "":
		return t.bot.T(lang, "parse.unknown", "got", bad.Got)
	case bad.Field == BadRelease && bad.Got == "":
		return t.bot.T(lang, "parse.missing", "arg", t.bot.T(lang, "arg.id"), "usage", usage)
	case bad.Field == BadRelease && bad.Card != "":
		return t.bot.T(lang, "parse.click_other_card", "got", bad.Got, "card", bad.Card, "usage", usage)
	case bad.Field == BadRelease:
		return t.bot.T(lang, "parse.bad_id", "got", bad.Got, "usage", usage)
	}
	return t.bot.RefusalText(ctx, lang, err)
}

// private is a callback answer that leaves the public card as it is and
// shows text to the clicker only. Both options merge by key: an absent or
// false updateCardDataByKey means "replace the card data" (event-callback-card
// and interactive-card-update-interface docs: 不填默认覆盖更新), which must
// never happen to the public card because one person's click was refused.
func private(text string) *card.CardResponse {
	return &card.CardResponse{CardUpdateOptions: &card.CardUpdateOptions{UpdateCardDataByKey: true, UpdatePrivateDataByKey: true},
		UserPrivateData: &card.CardDataDto{CardParamMap: map[string]string{NoticeParam: bot.FitCardValue(text)}}}
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orName(n, def bot.Name) bot.Name {
	if n == "" {
		return def
	}
	return n
}
