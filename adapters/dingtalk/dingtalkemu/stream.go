package dingtalkemu

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wireFrame is a server → client frame. Every header value is a string and
// there is no top-level time: the SDK drops frames that differ.
type wireFrame struct {
	SpecVersion string            `json:"specVersion"`
	Type        string            `json:"type"`
	Headers     map[string]string `json:"headers"`
	Data        string            `json:"data"`
}

// wireAck is a client → server ack frame.
type wireAck struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

// ConnInfo describes one stream connection, open or closed.
type ConnInfo struct {
	ID            string
	ClientID      string
	UA            string
	LocalIP       string
	Subscriptions []Subscription
	OpenedAt      time.Time
	ClosedAt      time.Time // zero while open
}

// Frame is one frame the emulator sent.
type Frame struct {
	ID         string // headers.messageId
	Type       string // CALLBACK, EVENT, SYSTEM
	Topic      string
	ConnID     string
	MsgID      string // data.msgId of a bot message
	OutTrackID string // the card of a card callback
	Attempt    int    // 1 for the first delivery
	Data       string
	SentAt     time.Time
	Acked      bool
	Expired    bool // its ack did not come in time, or the connection closed
}

// Ack is one ack frame received for a frame.
type Ack struct {
	FrameID string
	ConnID  string
	Type    string
	Topic   string
	MsgID   string
	Attempt int
	Code    int
	Message string
	Data    string
	SentAt  time.Time // when the frame went out
	AckedAt time.Time
	Latency time.Duration
	Late    bool // arrived after the frame had expired
}

// conn is one live websocket connection.
type conn struct {
	id       string
	clientID string
	subs     map[string]bool // "TYPE topic"
	ws       *websocket.Conn
	wmu      sync.Mutex
	done     chan struct{} // closed when the read loop ends
	once     sync.Once

	// guarded by Server.mu
	pending  map[string]*frameState // unacked data frames
	draining bool                   // sent a SYSTEM disconnect: no more data frames
	gone     bool
}

// frameState is a sent frame awaiting its ack; guarded by Server.mu.
type frameState struct {
	idx     int // into frameLog
	c       *conn
	d       *delivery // nil for SYSTEM frames
	ping    string    // the data a ping ack must echo
	timer   *time.Timer
	acked   bool
	expired bool
}

func (c *conn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

func (c *conn) close() { c.once.Do(func() { _ = c.ws.Close() }) }

func (c *conn) subscribed(typ, topic string) bool { return c.subs[typ+" "+topic] }

// attach registers an upgraded connection and starts its loops.
func (s *Server) attach(ws *websocket.Conn, req openRequest) {
	c := &conn{id: randomID(12), clientID: req.ClientID, subs: map[string]bool{}, ws: ws,
		done: make(chan struct{}), pending: map[string]*frameState{}}
	for _, sub := range req.Subscriptions {
		c.subs[sub.Type+" "+sub.Topic] = true
	}
	s.mu.Lock()
	if s.done() {
		s.mu.Unlock()
		c.close()
		return
	}
	s.st.conns[c.id] = c
	s.st.connIdx[c.id] = len(s.st.connLog)
	s.st.connLog = append(s.st.connLog, ConnInfo{ID: c.id, ClientID: c.clientID, UA: req.UA, LocalIP: req.LocalIP,
		Subscriptions: append([]Subscription(nil), req.Subscriptions...), OpenedAt: time.Now()})
	s.assign()
	s.bump(EventConnection, c.id)
	s.mu.Unlock()
	go s.readLoop(c)
	go s.sendLoop(c)
}

// readLoop keeps reading so gorilla answers the client's control pings, and
// collects acks. Binary messages are ignored, as the SDK ignores them.
func (s *Server) readLoop(c *conn) {
	defer s.connGone(c)
	defer close(c.done)
	for {
		typ, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage {
			s.mu.Lock()
			s.problem(c.id, "binary message ignored", msg)
			s.mu.Unlock()
			continue
		}
		s.receive(c, msg)
	}
}

// receive parses an ack; malformed ones are dropped, as DingTalk drops them.
func (s *Server) receive(c *conn, raw []byte) {
	var a wireAck
	err := json.Unmarshal(raw, &a)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err != nil:
		s.problem(c.id, "ack is not a valid frame: "+err.Error(), raw)
	case a.Headers == nil || a.Headers["messageId"] == "":
		s.problem(c.id, "ack without headers.messageId", raw)
	case a.Code == 0:
		s.problem(c.id, "ack without code", raw)
	case s.st.ackDelay > 0:
		time.AfterFunc(s.st.ackDelay, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.applyAck(c, a, raw)
		})
	default:
		s.applyAck(c, a, raw)
	}
}

// applyAck matches an ack to its frame; call with s.mu held.
func (s *Server) applyAck(c *conn, a wireAck, raw []byte) {
	id := a.Headers["messageId"]
	fs, ok := s.st.frames[id]
	if !ok || fs.c != c {
		s.problem(c.id, "ack for a frame not sent on this connection", raw)
		return
	}
	if fs.acked {
		s.problem(c.id, "second ack for one frame", raw)
		return
	}
	fs.acked = true
	if fs.timer != nil {
		fs.timer.Stop()
	}
	delete(c.pending, id)
	f := &s.st.frameLog[fs.idx]
	f.Acked = true
	now := time.Now()
	ack := Ack{FrameID: id, ConnID: c.id, Type: f.Type, Topic: f.Topic, MsgID: f.MsgID, Attempt: f.Attempt,
		Code: a.Code, Message: a.Message, Data: a.Data, SentAt: f.SentAt, AckedAt: now, Latency: now.Sub(f.SentAt), Late: fs.expired}
	s.st.acks = append(s.st.acks, ack)
	if fs.ping != "" && (a.Data != fs.ping || a.Code != 200) {
		s.problem(c.id, "ping ack does not echo the ping data", raw)
	}
	if fs.d != nil && !fs.d.finished() {
		s.pushCopy(fs.d)
		fs.d.finish(&ack, nil)
	}
	s.bump(EventAck, id)
}

// connGone forgets a closed connection. Its unacked frames are not pushed
// again (DingTalk does not); deliveries picked for it but not yet sent get
// another connection.
func (s *Server) connGone(c *conn) {
	c.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	c.gone = true
	delete(s.st.conns, c.id)
	s.st.connLog[s.st.connIdx[c.id]].ClosedAt = time.Now()
	for id, fs := range c.pending {
		fs.timer.Stop()
		fs.expired = true
		s.st.frameLog[fs.idx].Expired = true
		delete(c.pending, id)
		s.settle(fs.d, "connection closed")
	}
	s.assign()
	s.bump(EventConnection, c.id)
}

// newFrame registers a frame for c; call with s.mu held.
func (s *Server) newFrame(c *conn, typ, topic, data string, d *delivery) (wireFrame, *frameState) {
	id := randomID(4) + "_" + strconv.Itoa(len(s.st.frameLog)) + "_" + randomID(5) + "_" + randomID(2)
	now := time.Now()
	fr := wireFrame{SpecVersion: "1.0", Type: typ, Data: data, Headers: map[string]string{
		"appId": s.st.apps[c.clientID].ClientID, "connectionId": c.id, "contentType": "application/json",
		"messageId": id, "time": strconv.FormatInt(s.now().UnixMilli(), 10), "topic": topic}}
	rec := Frame{ID: id, Type: typ, Topic: topic, ConnID: c.id, Data: data, SentAt: now}
	if d != nil {
		rec.MsgID, rec.OutTrackID, rec.Attempt = d.msgID, d.outTrackID, d.attempts
	}
	fs := &frameState{idx: len(s.st.frameLog), c: c, d: d}
	s.st.frameLog = append(s.st.frameLog, rec)
	s.st.frames[id] = fs
	s.bump(EventFrame, id)
	return fr, fs
}
