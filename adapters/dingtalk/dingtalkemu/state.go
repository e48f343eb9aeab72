package dingtalkemu

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// state is everything the emulator knows; guarded by Server.mu.
type state struct {
	apps map[string]App // by client id

	// stream gateway
	tickets     map[string]ticket
	conns       map[string]*conn // live connections by id
	connLog     []ConnInfo
	connIdx     map[string]int // index into connLog
	queue       []*delivery    // deliveries waiting for a connection
	pushes      int            // bot messages pushed, for Options.Duplicates
	frames      map[string]*frameState
	frameLog    []Frame
	acks        []Ack
	problems    []Problem
	bots        map[string]*BotMessage // injected bot messages by msgId
	botOrder    []string
	refuseUntil time.Time
	ackDelay    time.Duration

	// OpenAPI
	tokens     map[string]token  // token → owner
	tokenByApp map[string]string // client id → current token
	faults     map[string][]fault
	withheld   map[string]bool // permission scopes the app lacks (Withhold)
	requests   []Request
	cards      map[string]*Card
	cardOrder  []string
	undeliver  map[string]string // space id → errorMsg for failed deliveries
	group      []GroupMessage
	direct     []DirectMessage
	sessions   map[string]*session
	replies    []Reply
	miniApps   map[string]*miniApp
	lastID     int64
}

func newState(o Options) state {
	st := state{apps: map[string]App{}, tickets: map[string]ticket{}, conns: map[string]*conn{},
		connIdx: map[string]int{}, frames: map[string]*frameState{}, bots: map[string]*BotMessage{},
		tokens: map[string]token{}, tokenByApp: map[string]string{}, faults: map[string][]fault{},
		cards: map[string]*Card{}, undeliver: map[string]string{}, sessions: map[string]*session{},
		miniApps: map[string]*miniApp{}, lastID: 100000}
	for _, a := range o.Apps {
		st.apps[a.ClientID] = a
	}
	return st
}

// EventKind names what changed.
type EventKind string

// Event kinds.
const (
	EventConnection    EventKind = "connection"
	EventFrame         EventKind = "frame"
	EventAck           EventKind = "ack"
	EventProblem       EventKind = "problem"
	EventBotMessage    EventKind = "bot_message"
	EventCard          EventKind = "card"
	EventGroupMessage  EventKind = "group_message"
	EventDirectMessage EventKind = "direct_message"
	EventReply         EventKind = "reply"
	EventMiniApp       EventKind = "miniapp"
	EventRequest       EventKind = "request"
)

// Event tells a subscriber that something changed; it carries no state:
// read it through the accessors.
type Event struct {
	Kind EventKind
	ID   string // frame, card, message or connection id, when there is one
	At   time.Time
}

// Subscribe returns a channel that receives an Event on every change, and a
// function that ends the subscription. A subscriber that falls behind misses
// events, not state: re-read the accessors on any event.
func (s *Server) Subscribe() (<-chan Event, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan Event, 256)
	if s.done() {
		close(ch)
		return ch, func() {}
	}
	id := s.nextSub
	s.nextSub++
	s.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.subs[id]; ok {
			close(c)
			delete(s.subs, id)
		}
	}
}

// bump records a change: it wakes everything waiting on s.changed and tells
// subscribers. Call with s.mu held.
func (s *Server) bump(kind EventKind, id string) {
	close(s.changed)
	s.changed = make(chan struct{})
	ev := Event{Kind: kind, ID: id, At: time.Now()}
	for _, ch := range s.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

// Problem is something malformed the emulator received and dropped, as
// DingTalk would: a bad ack frame, an ack for no frame, a wrong ping echo.
type Problem struct {
	At     time.Time
	ConnID string
	Reason string
	Raw    string
}

// problem records p; call with s.mu held.
func (s *Server) problem(connID, reason string, raw []byte) {
	s.st.problems = append(s.st.problems, Problem{At: time.Now(), ConnID: connID, Reason: reason, Raw: truncate(string(raw), 2000)})
	s.log.Debug("dingtalk emulator dropped input", "conn", connID, "reason", reason)
	s.bump(EventProblem, connID)
}

// Problems lists what was dropped as malformed.
func (s *Server) Problems() []Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Problem(nil), s.st.problems...)
}

// randomID is n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
