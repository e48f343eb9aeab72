package dingtalkemu

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Card is an interactive card as the emulator holds it.
type Card struct {
	OutTrackID   string
	TemplateID   string
	ClientID     string // the app whose token created it; its clicks go to this app
	RobotCode    string
	OpenSpaceID  string
	SpaceType    string // IM_GROUP or IM_ROBOT (the first space)
	SpaceID      string // openConversationId or staff id
	CallbackType string // STREAM, HTTP or ""
	AtUserIDs    map[string]string
	Data         map[string]string
	PrivateData  map[string]map[string]string
	History      []CardChange
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// CardChange is one change of a card: its creation, an UpdateCard call, or
// a callback answer.
type CardChange struct {
	At          time.Time
	Source      string // "create", "update" or "callback"
	UserID      string // the clicker, for a callback
	ByKey       bool   // merged by key rather than replaced
	Data        map[string]string
	PrivateData map[string]map[string]string
}

// paramMap is {"cardParamMap": {...}}; values are checked to be strings.
type paramMap struct {
	CardParamMap map[string]any `json:"cardParamMap"`
}

type createRequest struct {
	CardTemplateID string              `json:"cardTemplateId"`
	OutTrackID     string              `json:"outTrackId"`
	CallbackType   string              `json:"callbackType"`
	OpenSpaceID    string              `json:"openSpaceId"`
	CardData       *paramMap           `json:"cardData"`
	PrivateData    map[string]paramMap `json:"privateData"`
	UserIDType     *int                `json:"userIdType"`
	GroupDeliver   *struct {
		RobotCode string            `json:"robotCode"`
		AtUserIDs map[string]string `json:"atUserIds"`
	} `json:"imGroupOpenDeliverModel"`
	RobotDeliver *struct {
		SpaceType string `json:"spaceType"`
		RobotCode string `json:"robotCode"`
	} `json:"imRobotOpenDeliverModel"`
}

// createAndDeliver is POST /v1.0/card/instances/createAndDeliver.
func (s *Server) createAndDeliver(c *call) (any, *Fault) {
	var req createRequest
	if f := c.decode(&req); f != nil {
		return nil, f
	}
	spaces, f := s.checkCreate(c.clientID, &req)
	if f != nil {
		return nil, f
	}
	data, f := paramStrings(req.CardData)
	if f != nil {
		return nil, f
	}
	private, f := privateOf(req.PrivateData)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.cards[req.OutTrackID]; dup {
		return nil, invalid("param.cardAlreadyExist", "卡片已存在")
	}
	card := s.newCard(c.clientID, &req, spaces[0], data, private)
	results := make([]map[string]any, 0, len(spaces))
	for _, sp := range spaces {
		msg, failed := s.st.undeliver[sp[1]]
		results = append(results, map[string]any{"spaceType": sp[0], "spaceId": sp[1], "success": !failed,
			"carrierId": randomID(8), "errorMsg": msg})
	}
	s.bump(EventCard, card.OutTrackID)
	return map[string]any{"success": true, "result": map[string]any{"outTrackId": req.OutTrackID, "deliverResults": results}}, nil
}

// checkCreate applies DingTalk's documented parameter checks in order.
func (s *Server) checkCreate(clientID string, req *createRequest) ([][2]string, *Fault) {
	switch {
	case req.CardTemplateID == "":
		return nil, invalid("param.cardTemplateIdEmpty", "cardTemplateId不能为空")
	case req.OutTrackID == "":
		return nil, invalid("param.outTrackIdEmpty", "outTrackId不能为空")
	case req.OpenSpaceID == "":
		return nil, invalid("param.openSpaceIdEmpty", "openSpaceId不能为空")
	case len(s.opts.Templates) > 0 && !slices.Contains(s.opts.Templates, req.CardTemplateID):
		return nil, invalid("param.templateNotExist", "模板不存在")
	case req.CardData == nil:
		return nil, invalid("param.invalid", "cardData不能为空")
	case req.CallbackType != "" && req.CallbackType != "STREAM" && req.CallbackType != "HTTP":
		return nil, invalid("param.invalid", "callbackType只能是STREAM或HTTP")
	case req.UserIDType != nil && *req.UserIDType != 1 && *req.UserIDType != 2:
		return nil, invalid("param.invalid", "userIdType只能是1或2")
	}
	spaces, ok := parseSpaces(req.OpenSpaceID)
	if !ok {
		return nil, invalid("param.openSpaceIdInvalid", "openSpaceId不合法")
	}
	s.mu.Lock()
	robot := s.st.apps[clientID].RobotCode
	s.mu.Unlock()
	for _, sp := range spaces {
		code := ""
		switch {
		case sp[0] == "IM_GROUP" && req.GroupDeliver != nil:
			code = req.GroupDeliver.RobotCode
		case sp[0] == "IM_ROBOT" && req.RobotDeliver != nil:
			code = req.RobotDeliver.RobotCode
		default:
			return nil, invalid("param.openDeliverModelEmpty", "投放参数不能为空: "+sp[0])
		}
		if code != robot {
			return nil, invalid("param.invalid", "robotCode不合法")
		}
	}
	return spaces, nil
}

// parseSpaces reads "dtv1.card//IM_GROUP.cid…;IM_ROBOT.user"; the space
// type is accepted in either case, as DingTalk's own samples use both.
func parseSpaces(id string) ([][2]string, bool) {
	rest, ok := strings.CutPrefix(id, "dtv1.card//")
	if !ok {
		return nil, false
	}
	var out [][2]string
	for _, part := range strings.Split(strings.TrimSuffix(rest, ";"), ";") {
		typ, sid, ok := strings.Cut(part, ".")
		typ = strings.ToUpper(typ)
		if !ok || sid == "" || (typ != "IM_GROUP" && typ != "IM_ROBOT") {
			return nil, false
		}
		out = append(out, [2]string{typ, sid})
	}
	return out, len(out) > 0
}

// newCard stores a created card; call with s.mu held.
func (s *Server) newCard(clientID string, req *createRequest, space [2]string, data map[string]string,
	private map[string]map[string]string) *Card {
	now := s.now()
	card := &Card{OutTrackID: req.OutTrackID, TemplateID: req.CardTemplateID, ClientID: clientID,
		RobotCode: s.st.apps[clientID].RobotCode, OpenSpaceID: req.OpenSpaceID, SpaceType: space[0], SpaceID: space[1],
		CallbackType: req.CallbackType, Data: data, PrivateData: private, CreatedAt: now, UpdatedAt: now}
	if req.GroupDeliver != nil {
		card.AtUserIDs = req.GroupDeliver.AtUserIDs
	}
	card.History = []CardChange{{At: now, Source: "create", Data: cloneMap(data), PrivateData: clonePrivate(private)}}
	s.st.cards[card.OutTrackID] = card
	s.st.cardOrder = append(s.st.cardOrder, card.OutTrackID)
	return card
}

// DingTalk's limits on cardParamMap, public and private alike: "key：
// 参数名（最长不超过100B） value: 参数值（最长不超过1KB）", and a privateData
// key (the user id) at most 100 B
// (https://open.dingtalk.com/document/development/create-and-deliver-cards,
// https://open.dingtalk.com/document/development/interactive-card-update-interface).
// Neither page's error table has a code of its own for an oversize entry;
// createAndDeliver's generic one is HTTP 400 param.invalid "存在非法参数",
// which the emulator answers for both APIs.
const (
	MaxCardKey   = 100
	MaxCardValue = 1024
)

// paramStrings checks that every card variable is a string within
// DingTalk's limits, as cardParamMap requires.
func paramStrings(p *paramMap) (map[string]string, *Fault) {
	out := map[string]string{}
	if p == nil {
		return out, nil
	}
	for k, v := range p.CardParamMap {
		str, ok := v.(string)
		if !ok {
			return nil, invalid("param.invalid", "cardParamMap的值必须是字符串: "+k)
		}
		if f := checkParam(k, str); f != nil {
			return nil, f
		}
		out[k] = str
	}
	return out, nil
}

// checkParam refuses a key over 100 B or a value over 1 KB.
func checkParam(k, v string) *Fault {
	switch {
	case len(k) > MaxCardKey:
		return invalid("param.invalid", fmt.Sprintf("存在非法参数: cardParamMap的key超过100B (%d B)", len(k)))
	case len(v) > MaxCardValue:
		return invalid("param.invalid", fmt.Sprintf("存在非法参数: cardParamMap的%s超过1KB (%d B)", k, len(v)))
	}
	return nil
}

func privateOf(m map[string]paramMap) (map[string]map[string]string, *Fault) {
	out := map[string]map[string]string{}
	for user, p := range m {
		if len(user) > MaxCardKey {
			return nil, invalid("param.invalid", "存在非法参数: privateData的userId超过100B")
		}
		vars, f := paramStrings(&p)
		if f != nil {
			return nil, f
		}
		out[user] = vars
	}
	return out, nil
}

func clonePrivate(m map[string]map[string]string) map[string]map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]map[string]string, len(m))
	for k, v := range m {
		out[k] = cloneMap(v)
	}
	return out
}

func (c Card) clone() Card {
	c.AtUserIDs, c.Data, c.PrivateData = cloneMap(c.AtUserIDs), cloneMap(c.Data), clonePrivate(c.PrivateData)
	c.History = slices.Clone(c.History)
	for i := range c.History {
		c.History[i].Data, c.History[i].PrivateData = cloneMap(c.History[i].Data), clonePrivate(c.History[i].PrivateData)
	}
	return c
}
