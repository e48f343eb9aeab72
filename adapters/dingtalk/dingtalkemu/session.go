package dingtalkemu

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// session is a message's reply webhook.
type session struct {
	clientID       string
	conversationID string
	msgID          string
	expires        time.Time
}

// Reply is one POST to a session webhook, accepted or not.
type Reply struct {
	At             time.Time
	Session        string
	ConversationID string
	InReplyTo      string // msgId of the message whose webhook it used
	MsgType        string
	Title          string
	Text           string
	AtUserIDs      []string
	ErrCode        int // 0 when accepted
	ErrMsg         string
	Body           string
}

// sessionBody is what the webhook accepts (the custom-robot shapes).
type sessionBody struct {
	MsgType  string `json:"msgtype"`
	Text     *struct{ Content string }
	Markdown *struct{ Title, Text string }
	// actionCard and feedCard are accepted; their content is kept in Body.
	ActionCard *struct{ Title, Text string } `json:"actionCard"`
	FeedCard   *struct {
		Links []json.RawMessage `json:"links"`
	} `json:"feedCard"`
	At *struct {
		AtUserIDs []string `json:"atUserIds"`
	} `json:"at"`
}

// handleSession is the session webhook. DingTalk answers errors with HTTP
// 200 and an errcode: 300001 for an unknown or expired session; the other
// codes are the classic robot-webhook ones.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	key := r.URL.Query().Get("session")
	rep := Reply{At: s.now(), Session: key, Body: truncate(string(body), 4000)}
	s.mu.Lock()
	f, injected := s.takeFault(dingtalk.APISessionReply)
	sess, ok := s.st.sessions[key]
	s.mu.Unlock()
	switch {
	case injected && f.hang:
		s.hold(r)
		return
	case injected:
		// An injected Fault's Code is the errcode here, e.g. "300001".
		rep.ErrCode, rep.ErrMsg = errcodeOf(f.f.Code), f.f.Message
	case r.Method != http.MethodPost:
		rep.ErrCode, rep.ErrMsg = 43002, "需要POST请求"
	case !ok || !s.now().Before(sess.expires):
		rep.ErrCode, rep.ErrMsg = 300001, "session 不存在"
	default:
		rep.ConversationID, rep.InReplyTo = sess.conversationID, sess.msgID
		rep.ErrCode, rep.ErrMsg = parseReply(body, &rep)
	}
	s.mu.Lock()
	s.st.replies = append(s.st.replies, rep)
	s.bump(EventReply, key)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": rep.ErrCode, "errmsg": rep.ErrMsg})
}

// parseReply checks the body and fills rep; it returns the errcode.
func parseReply(body []byte, rep *Reply) (int, string) {
	var b sessionBody
	if err := json.Unmarshal(body, &b); err != nil {
		return 40035, "缺少参数 json"
	}
	rep.MsgType = b.MsgType
	if b.At != nil {
		rep.AtUserIDs = b.At.AtUserIDs
	}
	switch {
	case b.MsgType == "text" && b.Text != nil && b.Text.Content != "":
		rep.Text = b.Text.Content
	case b.MsgType == "markdown" && b.Markdown != nil && b.Markdown.Title != "" && b.Markdown.Text != "":
		rep.Title, rep.Text = b.Markdown.Title, b.Markdown.Text
	case b.MsgType == "actionCard" && b.ActionCard != nil && b.ActionCard.Text != "":
		rep.Title, rep.Text = b.ActionCard.Title, b.ActionCard.Text
	case b.MsgType == "feedCard" && b.FeedCard != nil && len(b.FeedCard.Links) > 0:
	case b.MsgType == "text" || b.MsgType == "markdown" || b.MsgType == "actionCard" || b.MsgType == "feedCard":
		return 40035, "缺少参数 " + b.MsgType
	default:
		return 40008, "不支持的消息类型"
	}
	return 0, "ok"
}

func errcodeOf(code string) int {
	n, err := strconv.Atoi(code)
	if err != nil || n == 0 {
		return -1
	}
	return n
}

// ExpireSession makes a session webhook answer 300001 from now on.
func (s *Server) ExpireSession(webhookURL string) error {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return fmt.Errorf("dingtalk emulator: bad webhook url: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.st.sessions[u.Query().Get("session")]
	if !ok {
		return fmt.Errorf("dingtalk emulator: no session in %s", webhookURL)
	}
	sess.expires = s.now().Add(-time.Millisecond)
	return nil
}

// Replies lists every session webhook call, oldest first.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reply(nil), s.st.replies...)
}
