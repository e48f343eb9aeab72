package dingtalkemu

import (
	"encoding/json"
	"time"
)

// GroupMessage is a robot message sent into a group (OrgGroupSend).
type GroupMessage struct {
	At              time.Time
	ClientID        string
	RobotCode       string
	ConversationID  string
	MsgKey          string
	Param           map[string]any // msgParam, parsed
	ProcessQueryKey string
}

// DirectMessage is a robot message sent to users' 1:1 chats (BatchSendOTO).
type DirectMessage struct {
	At              time.Time
	ClientID        string
	RobotCode       string
	UserIDs         []string
	MsgKey          string
	Param           map[string]any
	ProcessQueryKey string
}

// requiredParams are the msgParam keys each message type cannot do without.
var requiredParams = map[string][]string{
	"sampleText":       {"content"},
	"sampleMarkdown":   {"title", "text"},
	"sampleActionCard": {"title", "text"},
	"sampleLink":       {"text", "title", "messageUrl"},
	"sampleImageMsg":   {"photoURL"},
}

type robotRequest struct {
	RobotCode          string          `json:"robotCode"`
	OpenConversationID string          `json:"openConversationId"`
	UserIDs            []string        `json:"userIds"`
	MsgKey             string          `json:"msgKey"`
	MsgParam           json.RawMessage `json:"msgParam"`
}

// checkRobot validates what both robot sends share; msgParam must be a JSON
// string holding a JSON object. The error codes are the emulator's own:
// DingTalk does not document them.
func (s *Server) checkRobot(c *call, req *robotRequest) (map[string]any, *Fault) {
	if f := c.decode(req); f != nil {
		return nil, f
	}
	s.mu.Lock()
	robot := s.st.apps[c.clientID].RobotCode
	s.mu.Unlock()
	if req.RobotCode == "" || req.RobotCode != robot {
		return nil, invalid("invalidParameter.robotCode", "robotCode不合法")
	}
	keys, known := requiredParams[req.MsgKey]
	if req.MsgKey == "" || (!known && !isOtherKey(req.MsgKey)) {
		return nil, invalid("invalidParameter.msgKey", "msgKey不合法")
	}
	var str string
	if err := json.Unmarshal(req.MsgParam, &str); err != nil {
		return nil, invalid("invalidParameter.msgParam", "msgParam必须是JSON字符串")
	}
	var param map[string]any
	if err := json.Unmarshal([]byte(str), &param); err != nil {
		return nil, invalid("invalidParameter.msgParam", "msgParam不是合法的JSON对象")
	}
	for _, k := range keys {
		if v, ok := param[k].(string); !ok || v == "" {
			return nil, invalid("invalidParameter.msgParam", "msgParam缺少"+k)
		}
	}
	return param, nil
}

func isOtherKey(k string) bool {
	switch k {
	case "sampleActionCard2", "sampleActionCard3", "sampleActionCard4", "sampleActionCard5", "sampleActionCard6",
		"sampleFile", "sampleAudio", "sampleVideo":
		return true
	}
	return false
}

// orgGroupSend is POST /v1.0/robot/groupMessages/send.
func (s *Server) orgGroupSend(c *call) (any, *Fault) {
	var req robotRequest
	param, f := s.checkRobot(c, &req)
	if f != nil {
		return nil, f
	}
	if req.OpenConversationID == "" {
		return nil, invalid("invalidParameter.openConversationId", "openConversationId不能为空")
	}
	m := GroupMessage{At: s.now(), ClientID: c.clientID, RobotCode: req.RobotCode, ConversationID: req.OpenConversationID,
		MsgKey: req.MsgKey, Param: param, ProcessQueryKey: randomID(16)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.group = append(s.st.group, m)
	s.bump(EventGroupMessage, m.ProcessQueryKey)
	return map[string]string{"processQueryKey": m.ProcessQueryKey}, nil
}

// batchSendOTO is POST /v1.0/robot/oToMessages/batchSend (at most 20 users).
func (s *Server) batchSendOTO(c *call) (any, *Fault) {
	var req robotRequest
	param, f := s.checkRobot(c, &req)
	if f != nil {
		return nil, f
	}
	if len(req.UserIDs) == 0 || len(req.UserIDs) > 20 {
		return nil, invalid("invalidParameter.userIds", "userIds必须有1到20个")
	}
	m := DirectMessage{At: s.now(), ClientID: c.clientID, RobotCode: req.RobotCode, UserIDs: req.UserIDs,
		MsgKey: req.MsgKey, Param: param, ProcessQueryKey: randomID(16)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.direct = append(s.st.direct, m)
	s.bump(EventDirectMessage, m.ProcessQueryKey)
	return map[string]any{"processQueryKey": m.ProcessQueryKey, "invalidStaffIdList": []string{},
		"flowControlledStaffIdList": []string{}}, nil
}

// GroupMessages lists group messages sent so far, oldest first.
func (s *Server) GroupMessages() []GroupMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]GroupMessage(nil), s.st.group...)
}

// DirectMessages lists 1:1 messages sent so far, oldest first.
func (s *Server) DirectMessages() []DirectMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]DirectMessage(nil), s.st.direct...)
}
