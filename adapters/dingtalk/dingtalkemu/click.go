package dingtalkemu

import (
	"context"
	"encoding/json"
	"fmt"
)

// UpdateOptions choose merge (true) or replace (false) for card data and
// private data.
type UpdateOptions struct {
	UpdateCardDataByKey    bool `json:"updateCardDataByKey"`
	UpdatePrivateDataByKey bool `json:"updatePrivateDataByKey"`
}

type updateRequest struct {
	OutTrackID  string              `json:"outTrackId"`
	CardData    *paramMap           `json:"cardData"`
	PrivateData map[string]paramMap `json:"privateData"`
	Options     *UpdateOptions      `json:"cardUpdateOptions"`
}

// updateCard is PUT /v1.0/card/instances. Without updateCardDataByKey the
// card data is replaced as a whole, as DingTalk documents.
func (s *Server) updateCard(c *call) (any, *Fault) {
	var req updateRequest
	if f := c.decode(&req); f != nil {
		return nil, f
	}
	if req.OutTrackID == "" {
		return nil, invalid("param.outTrackIdEmpty", "outTrackId不能为空")
	}
	data, f := paramStrings(req.CardData)
	if f != nil {
		return nil, f
	}
	private, f := privateOf(req.PrivateData)
	if f != nil {
		return nil, f
	}
	opts := UpdateOptions{}
	if req.Options != nil {
		opts = *req.Options
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	card, ok := s.st.cards[req.OutTrackID]
	if !ok || card.ClientID != c.clientID {
		return nil, invalid("param.cardNotExist", "卡片不存在")
	}
	ch := CardChange{At: s.now(), Source: "update", ByKey: opts.UpdateCardDataByKey, PrivateData: private}
	if req.CardData != nil {
		ch.Data = data
		card.Data = apply(card.Data, data, opts.UpdateCardDataByKey)
	}
	for user, vars := range private {
		card.PrivateData[user] = apply(card.PrivateData[user], vars, opts.UpdatePrivateDataByKey)
	}
	s.changeCard(card, ch)
	return map[string]any{"success": true, "result": true}, nil
}

// apply merges vars into cur by key, or replaces cur.
func apply(cur, vars map[string]string, byKey bool) map[string]string {
	if !byKey || cur == nil {
		return cloneMap(vars)
	}
	for k, v := range vars {
		cur[k] = v
	}
	return cur
}

func (s *Server) changeCard(card *Card, ch CardChange) {
	card.UpdatedAt = ch.At
	card.History = append(card.History, ch)
	s.bump(EventCard, card.OutTrackID)
}

// Click is a user pressing a card button whose click type is "callback
// request".
type Click struct {
	OutTrackID string
	UserID     string         // the clicker's staff id
	Params     map[string]any // the button's callback params, e.g. {"action":"approve","id":"12"}
	ActionID   string         // the component id; default "button_1"
	// ConnID, for tests that need two clicks to meet on two replicas,
	// names the connection to push to; "" picks one at random, as DingTalk
	// does. A connection that is gone or draining falls back to random.
	ConnID string
}

// ClickResult is the app's answer to a click, as its ack carried it.
type ClickResult struct {
	Code        int
	Message     string
	CardData    map[string]string // nil when the answer left the card data alone
	PrivateData map[string]string // the clicker's private data, nil if untouched
	Options     UpdateOptions
	Raw         string // the ack's data
}

// cardCallback is the data of a card callback frame: userIdType is a
// number and content (duplicated in value) a JSON string.
type cardCallback struct {
	Extension  string `json:"extension"`
	CorpID     string `json:"corpId"`
	SpaceType  string `json:"spaceType"`
	UserIDType int    `json:"userIdType"`
	Type       string `json:"type"`
	UserID     string `json:"userId"`
	Content    string `json:"content"`
	SpaceID    string `json:"spaceId"`
	OutTrackID string `json:"outTrackId"`
	Value      string `json:"value"`
}

type callbackAnswer struct {
	Response *struct {
		Options     *UpdateOptions `json:"cardUpdateOptions"`
		CardData    *cardParams    `json:"cardData"`
		PrivateData *cardParams    `json:"userPrivateData"`
	} `json:"response"`
}

type cardParams struct {
	CardParamMap map[string]string `json:"cardParamMap"`
}

// ClickCard delivers a click to the stream connection of the card's app,
// waits for the ack (CardCallbackTimeout) and applies its answer to the
// card, like DingTalk's client does.
func (s *Server) ClickCard(ctx context.Context, k Click) (ClickResult, error) {
	dl, err := s.queueClick(k)
	if err != nil {
		return ClickResult{}, err
	}
	ack, err := dl.Wait(ctx)
	if err != nil {
		return ClickResult{}, fmt.Errorf("clicking card %s: %w", k.OutTrackID, err)
	}
	res := ClickResult{Code: ack.Code, Message: ack.Message, Raw: ack.Data}
	if ack.Code != 200 {
		return res, fmt.Errorf("clicking card %s: the app answered %d %s", k.OutTrackID, ack.Code, ack.Message)
	}
	var a callbackAnswer
	if err := json.Unmarshal([]byte(ack.Data), &a); err != nil {
		return res, fmt.Errorf("clicking card %s: the answer is not JSON: %w", k.OutTrackID, err)
	}
	if a.Response == nil {
		return res, nil
	}
	if f := checkAnswer(a); f != nil {
		return res, fmt.Errorf("clicking card %s: the answer breaks DingTalk's card data limits: %s", k.OutTrackID, f.Message)
	}
	s.applyAnswer(k, &res, a)
	return res, nil
}

// checkAnswer applies cardParamMap's limits to a callback answer, which
// carries the same maps as UpdateCard. What DingTalk's client does with an
// oversize answer is not documented; the emulator leaves the card as it
// was and fails the click, so a test sees it.
func checkAnswer(a callbackAnswer) *Fault {
	for _, p := range []*cardParams{a.Response.CardData, a.Response.PrivateData} {
		if p == nil {
			continue
		}
		for k, v := range p.CardParamMap {
			if f := checkParam(k, v); f != nil {
				return f
			}
		}
	}
	return nil
}

func (s *Server) queueClick(k Click) (*Delivery, error) {
	content, err := json.Marshal(map[string]any{"cardPrivateData": map[string]any{
		"actionIds": []string{orStr(k.ActionID, "button_1")}, "params": k.Params}})
	if err != nil {
		return nil, fmt.Errorf("encoding click: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	card, ok := s.st.cards[k.OutTrackID]
	switch {
	case !ok:
		return nil, fmt.Errorf("dingtalk emulator: no card %s", k.OutTrackID)
	case card.CallbackType != "STREAM":
		return nil, fmt.Errorf("dingtalk emulator: card %s was created with callbackType %q, not STREAM: clicks do not reach the stream", k.OutTrackID, card.CallbackType)
	}
	data, err := json.Marshal(cardCallback{Extension: "{}", CorpID: s.opts.CorpID, SpaceType: "im", UserIDType: 1,
		Type: "actionCallback", UserID: k.UserID, Content: string(content), SpaceID: card.SpaceID,
		OutTrackID: card.OutTrackID, Value: string(content)})
	if err != nil {
		return nil, fmt.Errorf("encoding click: %w", err)
	}
	d := &delivery{clientID: card.ClientID, typ: "CALLBACK", topic: TopicCardCallback, data: string(data),
		outTrackID: card.OutTrackID, connID: k.ConnID, timeout: s.opts.CardCallbackTimeout}
	s.enqueue(d)
	return &Delivery{d: d}, nil
}

// applyAnswer updates the card from a callback answer; userPrivateData
// belongs to the clicker.
func (s *Server) applyAnswer(k Click, res *ClickResult, a callbackAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	card := s.st.cards[k.OutTrackID]
	if a.Response.Options != nil {
		res.Options = *a.Response.Options
	}
	ch := CardChange{At: s.now(), Source: "callback", UserID: k.UserID, ByKey: res.Options.UpdateCardDataByKey}
	if p := a.Response.CardData; p != nil {
		res.CardData, ch.Data = cloneMap(p.CardParamMap), cloneMap(p.CardParamMap)
		card.Data = apply(card.Data, p.CardParamMap, res.Options.UpdateCardDataByKey)
	}
	if p := a.Response.PrivateData; p != nil {
		res.PrivateData = cloneMap(p.CardParamMap)
		ch.PrivateData = map[string]map[string]string{k.UserID: cloneMap(p.CardParamMap)}
		card.PrivateData[k.UserID] = apply(card.PrivateData[k.UserID], p.CardParamMap, res.Options.UpdatePrivateDataByKey)
	}
	s.changeCard(card, ch)
}

// Cards lists the cards with their current data, oldest first.
func (s *Server) Cards() []Card {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Card, 0, len(s.st.cardOrder))
	for _, id := range s.st.cardOrder {
		out = append(out, s.st.cards[id].clone())
	}
	return out
}

// CardCount is how many cards exist, without copying them (cheap to poll).
func (s *Server) CardCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.cardOrder)
}

// Card returns one card by its outTrackId.
func (s *Server) Card(outTrackID string) (Card, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.cards[outTrackID]
	if !ok {
		return Card{}, false
	}
	return c.clone(), true
}

// FailDelivery makes cards delivered to spaceID (a conversation or staff
// id) report success false with errorMsg in deliverResults.
func (s *Server) FailDelivery(spaceID, errorMsg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.undeliver[spaceID] = errorMsg
}
