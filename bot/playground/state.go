package playground

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

// State is what the playground page shows, for one reader: the group's
// messages and cards as the DingTalk emulator recorded them, the reader's
// private notices and direct messages, and what is live in every emulator.
type State struct {
	Version       int64          `json:"version"` // grows with every change
	As            string         `json:"as"`
	Messages      []Message      `json:"messages"`
	Direct        []Message      `json:"direct"` // 1:1 messages the robot sent the reader
	Web           WebState       `json:"web"`
	API           APIState       `json:"api"`
	Mini          MiniState      `json:"mini"`
	Builds        []Build        `json:"builds"`
	Announcements []Announcement `json:"announcements"`
	Alerts        []AlertState   `json:"alerts"` // the alert controls, one per app
	ArgoCD        ArgoState      `json:"argocd"` // the catalog Application
}

// Message kinds.
const (
	KindUser  = "user"  // a person typed it (dingtalkemu.SendText)
	KindReply = "reply" // the bot answered on the message's session webhook
	KindCard  = "card"  // an interactive card the bot created
	KindRobot = "robot" // a robot message into the group (announcements, markdown)
)

// Message is one entry of the group, oldest first.
type Message struct {
	ID    string    `json:"id"`
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"`
	From  string    `json:"from,omitempty"` // the staff id of a user message
	Title string    `json:"title,omitempty"`
	Text  string    `json:"text,omitempty"` // markdown, except a user's plain text
	Card  *Card     `json:"card,omitempty"`
}

// Card is an interactive card as DingTalk holds it: the template variables
// the bot sent (body, buttons, approve_text, release_id, status…) merged
// with every update, and the reader's own private notice.
type Card struct {
	OutTrackID string            `json:"outTrackId"`
	Data       map[string]string `json:"data"`
	Notice     string            `json:"notice,omitempty"` // userPrivateData "notice" of the reader only
	Mentions   []string          `json:"mentions,omitempty"`
	Updates    int               `json:"updates"`
}

// snapshot is the state for every reader at once; view picks one reader's.
type snapshot struct {
	Messages []Message                    `json:"messages"`
	Private  map[string]map[string]string `json:"private"` // outTrackId → user → notice
	Direct   []dingtalkemu.DirectMessage  `json:"direct"`
	Web      WebState                     `json:"web"`
	API      APIState                     `json:"api"`
	Mini     MiniState                    `json:"mini"`
	Builds   []Build                      `json:"builds"`
	Ann      []Announcement               `json:"announcements"`
	Alerts   []AlertState                 `json:"alerts"`
	ArgoCD   ArgoState                    `json:"argocd"`
}

// view is the snapshot as reader `as` sees it.
func (s *snapshot) view(as string, version int64) State {
	st := State{Version: version, As: as, Messages: make([]Message, 0, len(s.Messages)), Direct: []Message{},
		Web: s.Web, API: s.API, Mini: s.Mini, Builds: s.Builds, Announcements: s.Ann, Alerts: s.Alerts,
		ArgoCD: s.ArgoCD}
	for _, m := range s.Messages {
		if m.Card != nil {
			c := *m.Card
			c.Notice = s.Private[c.OutTrackID][as]
			m.Card = &c
		}
		st.Messages = append(st.Messages, m)
	}
	for _, d := range s.Direct {
		if slices.Contains(d.UserIDs, as) {
			st.Direct = append(st.Direct, Message{ID: d.ProcessQueryKey, At: d.At, Kind: KindRobot, Text: paramText(d.Param)})
		}
	}
	return st
}

// messages gathers the group's conversation from the DingTalk emulator:
// what people typed, the bot's replies, its cards and its robot messages.
func messages(dt *dingtalkemu.Server) ([]Message, map[string]map[string]string) {
	var out []Message
	for _, b := range dt.BotMessages() {
		if b.ConversationID == chatID {
			out = append(out, Message{ID: b.MsgID, At: b.CreateAt, Kind: KindUser, From: b.SenderStaffID,
				Text: strings.TrimSpace(b.Text)})
		}
	}
	for i, r := range dt.Replies() {
		if r.ConversationID == chatID && r.ErrCode == 0 {
			out = append(out, Message{ID: "reply-" + strconv.Itoa(i), At: r.At, Kind: KindReply, Title: r.Title, Text: r.Text})
		}
	}
	cards, private := cardMessages(dt)
	out = append(out, cards...)
	for _, g := range dt.GroupMessages() {
		if g.ConversationID == chatID {
			out = append(out, Message{ID: g.ProcessQueryKey, At: g.At, Kind: KindRobot, Title: str(g.Param["title"]),
				Text: paramText(g.Param)})
		}
	}
	slices.SortStableFunc(out, func(a, b Message) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return out, private
}

// cardMessages are the group's cards, and each card's private notices by
// user.
func cardMessages(dt *dingtalkemu.Server) ([]Message, map[string]map[string]string) {
	var out []Message
	private := map[string]map[string]string{}
	for _, c := range dt.Cards() {
		if c.SpaceID != chatID {
			continue
		}
		mentions := make([]string, 0, len(c.AtUserIDs))
		for id := range c.AtUserIDs {
			mentions = append(mentions, id)
		}
		slices.Sort(mentions)
		out = append(out, Message{ID: c.OutTrackID, At: c.CreatedAt, Kind: KindCard, Card: &Card{OutTrackID: c.OutTrackID,
			Data: c.Data, Mentions: mentions, Updates: len(c.History) - 1}})
		notices := map[string]string{}
		for user, vars := range c.PrivateData {
			if n := vars["notice"]; n != "" {
				notices[user] = n
			}
		}
		private[c.OutTrackID] = notices
	}
	return out, private
}

// paramText is the text of a robot message's msgParam (markdown or text).
func paramText(p map[string]any) string {
	if t := str(p["text"]); t != "" {
		return t
	}
	return str(p["content"])
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
