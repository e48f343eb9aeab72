package dingtalkemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Stream topics.
const (
	TopicBotMessage   = "/v1.0/im/bot/messages/get"
	TopicCardCallback = "/v1.0/card/instances/callback"
)

// AtUser is a user @-mentioned in a message.
type AtUser struct {
	DingtalkID string `json:"dingtalkId"`
	StaffID    string `json:"staffId,omitempty"`
}

// BotMessage is a text message a user sends to the robot. The emulator fills
// in the ids, times and the session webhook.
type BotMessage struct {
	ClientID          string // the app whose robot receives it; "" is the first app
	ConversationID    string // group openConversationId ("cid…==") or 1:1 conversation id
	Group             bool   // conversationType "2"; false is a 1:1 chat ("1")
	ConversationTitle string
	SenderStaffID     string // "" for an external user
	SenderNick        string
	IsAdmin           bool
	Text              string   // what the user typed after @-mentioning the robot
	AtUsers           []AtUser // other users mentioned
	// ConnID, for tests that need two messages handled by two replicas,
	// names the connection to push to; "" picks one at random, as DingTalk
	// does. A connection that is gone or draining falls back to random.
	ConnID string

	// Set by SendText.
	MsgID          string
	SenderID       string
	CreateAt       time.Time
	SessionWebhook string
	SessionExpires time.Time
}

// botCallback is the data of a bot message frame, as DingTalk sends it.
type botCallback struct {
	ConversationID    string   `json:"conversationId"`
	AtUsers           []AtUser `json:"atUsers,omitempty"`
	ChatbotCorpID     string   `json:"chatbotCorpId"`
	ChatbotUserID     string   `json:"chatbotUserId"`
	MsgID             string   `json:"msgId"`
	SenderNick        string   `json:"senderNick"`
	IsAdmin           bool     `json:"isAdmin"`
	SenderStaffID     string   `json:"senderStaffId,omitempty"`
	SessionExpired    int64    `json:"sessionWebhookExpiredTime"`
	CreateAt          int64    `json:"createAt"`
	SenderCorpID      string   `json:"senderCorpId"`
	ConversationType  string   `json:"conversationType"`
	SenderID          string   `json:"senderId"`
	ConversationTitle string   `json:"conversationTitle,omitempty"`
	IsInAtList        bool     `json:"isInAtList"`
	SessionWebhook    string   `json:"sessionWebhook"`
	Text              struct {
		Content string `json:"content"`
	} `json:"text"`
	RobotCode string `json:"robotCode"`
	Msgtype   string `json:"msgtype"`
}

// SendText pushes a user's text message to one of the app's stream
// connections, picked at random (queued until one connects), with a session
// webhook to reply on. It is pushed once (see Options.Duplicates).
func (s *Server) SendText(m BotMessage) (*Delivery, error) {
	if m.ConversationID == "" {
		return nil, errors.New("dingtalk emulator: a message needs a conversation id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, err := s.app(m.ClientID)
	if err != nil {
		return nil, err
	}
	m.ClientID = app.ClientID
	s.fillMessage(&m)
	data, err := json.Marshal(s.callbackOf(m, app))
	if err != nil {
		return nil, fmt.Errorf("encoding bot message: %w", err)
	}
	cp := m
	s.st.bots[m.MsgID] = &cp
	s.st.botOrder = append(s.st.botOrder, m.MsgID)
	s.bump(EventBotMessage, m.MsgID)
	d := &delivery{clientID: app.ClientID, typ: "CALLBACK", topic: TopicBotMessage, data: string(data),
		msgID: m.MsgID, connID: m.ConnID, timeout: s.opts.AckTimeout}
	s.enqueue(d)
	return &Delivery{MsgID: m.MsgID, SessionWebhook: m.SessionWebhook, d: d}, nil
}

// fillMessage sets ids, times and a fresh session; call with s.mu held.
func (s *Server) fillMessage(m *BotMessage) {
	now := s.now()
	m.MsgID = "msg" + randomID(12) + "=="
	m.SenderID = "$:LWCP_v1:$" + randomID(12)
	m.CreateAt = now
	m.SessionExpires = now.Add(s.opts.SessionTTL)
	key := randomID(16)
	m.SessionWebhook = s.URL() + "/robot/sendBySession?session=" + key
	s.st.sessions[key] = &session{clientID: m.ClientID, conversationID: m.ConversationID, msgID: m.MsgID,
		expires: m.SessionExpires}
}

func (s *Server) callbackOf(m BotMessage, app App) botCallback {
	cb := botCallback{ConversationID: m.ConversationID, ChatbotCorpID: s.opts.CorpID,
		ChatbotUserID: "$:LWCP_v1:$bot" + app.ClientID, MsgID: m.MsgID, SenderNick: m.SenderNick, IsAdmin: m.IsAdmin,
		SenderStaffID: m.SenderStaffID, SessionExpired: m.SessionExpires.UnixMilli(), CreateAt: m.CreateAt.UnixMilli(),
		SenderCorpID: s.opts.CorpID, ConversationType: "1", SenderID: m.SenderID, SessionWebhook: m.SessionWebhook,
		RobotCode: app.RobotCode, Msgtype: "text"}
	cb.Text.Content = m.Text
	if m.SenderStaffID == "" {
		cb.SenderCorpID = "dingexternal" + randomID(4)
	}
	if m.Group {
		// Only messages that @-mention the robot reach it in a group; DingTalk
		// cuts the robot's @name out of the text and leaves its space.
		cb.ConversationType, cb.ConversationTitle, cb.IsInAtList = "2", m.ConversationTitle, true
		cb.Text.Content = " " + m.Text
		cb.AtUsers = append([]AtUser{{DingtalkID: cb.ChatbotUserID}}, m.AtUsers...)
	}
	return cb
}

// Redeliver pushes an already injected message again (same data, same
// msgId, a new frame): the rare duplicate push field reports describe.
// DingTalk documents no redelivery of bot messages, so a client must not
// count on one, only survive one.
func (s *Server) Redeliver(msgID string) (*Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.st.bots[msgID]
	if !ok {
		return nil, fmt.Errorf("dingtalk emulator: no message %s was sent", msgID)
	}
	app := s.st.apps[m.ClientID]
	data, err := json.Marshal(s.callbackOf(*m, app))
	if err != nil {
		return nil, fmt.Errorf("encoding bot message: %w", err)
	}
	d := &delivery{clientID: m.ClientID, typ: "CALLBACK", topic: TopicBotMessage, data: string(data),
		msgID: msgID, timeout: s.opts.AckTimeout}
	s.enqueue(d)
	return &Delivery{MsgID: msgID, SessionWebhook: m.SessionWebhook, d: d}, nil
}

// BotMessages lists the injected messages, oldest first.
func (s *Server) BotMessages() []BotMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]BotMessage, 0, len(s.st.botOrder))
	for _, id := range s.st.botOrder {
		out = append(out, *s.st.bots[id])
	}
	return out
}

// app finds an app by client id ("" is the first); call with s.mu held.
func (s *Server) app(clientID string) (App, error) {
	if clientID == "" {
		return s.opts.Apps[0], nil
	}
	a, ok := s.st.apps[clientID]
	if !ok {
		return App{}, fmt.Errorf("dingtalk emulator: no app %s", clientID)
	}
	return a, nil
}
