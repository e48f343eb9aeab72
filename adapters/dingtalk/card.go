package dingtalk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/alibabacloud-go/dingtalk/card_1_0"
	"github.com/alibabacloud-go/tea/tea"
)

// Card is an interactive card (custom template, card_1_0) delivered by the
// app's robot with STREAM callbacks, into a group or a 1:1 robot chat.
type Card struct {
	TemplateID string // "<uuid>.schema"
	OutTrackID string // our unique id of the card
	// ConversationID is the group's openConversationId; set it or UserID.
	ConversationID string
	// UserID is the staff id of a 1:1 chat with the robot.
	UserID string
	// AtUserIDs mentions users in a group card: staff id → display name.
	AtUserIDs map[string]string
	// Data is the template's public variables; values are strings.
	Data map[string]string
	// PrivateData is per-user variables: staff id → variables.
	PrivateData map[string]map[string]string
}

// CardUpdate changes a delivered card. Data is merged by key into the
// card's data; PrivateData is merged per user.
type CardUpdate struct {
	OutTrackID  string
	Data        map[string]string
	PrivateData map[string]map[string]string
}

// OpenSpaceID is the card space of a group or a 1:1 robot chat.
func (card Card) OpenSpaceID() string {
	if card.ConversationID != "" {
		return "dtv1.card//IM_GROUP." + card.ConversationID
	}
	return "dtv1.card//IM_ROBOT." + card.UserID
}

// CreateAndDeliverCard creates the card and delivers it; a card DingTalk
// accepted but did not deliver to its space is an error too.
func (c *Client) CreateAndDeliverCard(ctx context.Context, card Card) error {
	if (card.ConversationID == "") == (card.UserID == "") {
		return errors.New("delivering card " + card.OutTrackID + ": set exactly one of conversation id and user id")
	}
	req := c.createRequest(card)
	resp, err := withToken(ctx, c, APICreateAndDeliver, func(tok string) (*card_1_0.CreateAndDeliverResponse, error) {
		h := &card_1_0.CreateAndDeliverHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.card, func(sc *card_1_0.Client) (*card_1_0.CreateAndDeliverResponse, error) {
			return sc.CreateAndDeliverWithOptions(req, h, c.runtime())
		})
	})
	if err != nil {
		return err
	}
	return deliverError(resp)
}

func (c *Client) createRequest(card Card) *card_1_0.CreateAndDeliverRequest {
	req := &card_1_0.CreateAndDeliverRequest{
		CardTemplateId: tea.String(card.TemplateID),
		OutTrackId:     tea.String(card.OutTrackID),
		CallbackType:   tea.String("STREAM"),
		OpenSpaceId:    tea.String(card.OpenSpaceID()),
		CardData:       &card_1_0.CreateAndDeliverRequestCardData{CardParamMap: paramMap(card.Data)},
		PrivateData:    privateData(card.PrivateData),
		UserIdType:     tea.Int32(1),
	}
	if card.ConversationID != "" {
		req.ImGroupOpenSpaceModel = &card_1_0.CreateAndDeliverRequestImGroupOpenSpaceModel{SupportForward: tea.Bool(false)}
		req.ImGroupOpenDeliverModel = &card_1_0.CreateAndDeliverRequestImGroupOpenDeliverModel{
			RobotCode: tea.String(c.cfg.RobotCode), AtUserIds: strMap(card.AtUserIDs)}
		return req
	}
	req.ImRobotOpenSpaceModel = &card_1_0.CreateAndDeliverRequestImRobotOpenSpaceModel{SupportForward: tea.Bool(false)}
	req.ImRobotOpenDeliverModel = &card_1_0.CreateAndDeliverRequestImRobotOpenDeliverModel{
		SpaceType: tea.String("IM_ROBOT"), RobotCode: tea.String(c.cfg.RobotCode)}
	return req
}

// deliverError reports a 200 answer that did not deliver everywhere.
func deliverError(resp *card_1_0.CreateAndDeliverResponse) error {
	if resp == nil || resp.Body == nil {
		return &APIError{API: APICreateAndDeliver, Status: http.StatusOK, Code: CodeDeliverFailed, Message: "empty answer"}
	}
	var failed []string
	if resp.Body.Result != nil {
		for _, r := range resp.Body.Result.DeliverResults {
			if r != nil && !tea.BoolValue(r.Success) {
				failed = append(failed, tea.StringValue(r.SpaceType)+"."+tea.StringValue(r.SpaceId)+": "+tea.StringValue(r.ErrorMsg))
			}
		}
	}
	if !tea.BoolValue(resp.Body.Success) && len(failed) == 0 {
		failed = append(failed, "success is false")
	}
	if len(failed) > 0 {
		return &APIError{API: APICreateAndDeliver, Status: http.StatusOK, Code: CodeDeliverFailed,
			Message: strings.Join(failed, "; ")}
	}
	return nil
}

// UpdateCard merges u into the card: updateCardDataByKey is always set,
// because DingTalk replaces the whole data when it is absent.
func (c *Client) UpdateCard(ctx context.Context, u CardUpdate) error {
	req := &card_1_0.UpdateCardRequest{
		OutTrackId: tea.String(u.OutTrackID),
		CardData:   &card_1_0.UpdateCardRequestCardData{CardParamMap: paramMap(u.Data)},
		CardUpdateOptions: &card_1_0.UpdateCardRequestCardUpdateOptions{
			UpdateCardDataByKey: tea.Bool(true), UpdatePrivateDataByKey: tea.Bool(true)},
		PrivateData: privateData(u.PrivateData),
		UserIdType:  tea.Int32(1),
	}
	resp, err := withToken(ctx, c, APIUpdateCard, func(tok string) (*card_1_0.UpdateCardResponse, error) {
		h := &card_1_0.UpdateCardHeaders{XAcsDingtalkAccessToken: tea.String(tok)}
		return use(c.card, func(sc *card_1_0.Client) (*card_1_0.UpdateCardResponse, error) {
			return sc.UpdateCardWithOptions(req, h, c.runtime())
		})
	})
	if err != nil {
		return err
	}
	if resp == nil || resp.Body == nil || !tea.BoolValue(resp.Body.Success) {
		return &APIError{API: APIUpdateCard, Status: http.StatusOK, Code: "updateFailed", Message: "success is false"}
	}
	return nil
}

func privateData(m map[string]map[string]string) map[string]*card_1_0.PrivateDataValue {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*card_1_0.PrivateDataValue, len(m))
	for user, vars := range m {
		out[user] = &card_1_0.PrivateDataValue{CardParamMap: paramMap(vars)}
	}
	return out
}

// DingTalk's limits on one cardParamMap entry: "key：参数名（最长不超过100B）
// value: 参数值（最长不超过1KB）"
// (https://open.dingtalk.com/document/development/create-and-deliver-cards,
// https://open.dingtalk.com/document/development/interactive-card-update-interface).
const (
	MaxCardKey   = 100
	MaxCardValue = 1024
)

// paramMap is strMap for card variables, with every value cut to
// MaxCardValue bytes on a rune boundary: the bot shortens its cards
// sensibly, and this is the last guard so that DingTalk never refuses a
// card for its length. Keys are the template's names, short by design.
func paramMap(m map[string]string) map[string]*string {
	out := strMap(m)
	for k, v := range out {
		if len(*v) > MaxCardValue {
			out[k] = tea.String(cutValue(*v))
		}
	}
	return out
}

// cutValue cuts s to MaxCardValue bytes, ending in "…".
func cutValue(s string) string {
	n := MaxCardValue - len("…")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// strMap converts to the SDK's pointer map; nil stays nil so the field is
// left out of the request.
func strMap(m map[string]string) map[string]*string {
	if m == nil {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = tea.String(v)
	}
	return out
}
