package dingtalkemu

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// ErrNoAck: a frame's deliveries all went unacknowledged.
var ErrNoAck = errors.New("dingtalk emulator: frame was not acknowledged")

// delivery is one push of a message to one of the app's connections;
// guarded by Server.mu. DingTalk pushes a bot message or a card callback
// once: it is not pushed again when its ack is late or missing
// (open-dingtalk/developerpedia docs/learn/stream/protocol.md, FAQ:
// "机器人消息当前是fire-forgot模式，不会因为网络超时而重复推送"; outside event
// subscriptions "ACK仅用于问题诊断和分析…不回复也不影响正常业务处理").
type delivery struct {
	clientID   string
	typ, topic string
	data       string
	msgID      string
	outTrackID string
	connID     string // the connection chosen for it, "" until one is
	duplicate  bool   // push a copy once this one is acked or expired
	timeout    time.Duration
	attempts   int
	done       chan struct{}
	ack        *Ack
	err        error
}

func (d *delivery) finished() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// finish settles d once; a late ack of an expired frame is only recorded.
func (d *delivery) finish(a *Ack, err error) {
	if d.finished() {
		return
	}
	d.ack, d.err = a, err
	close(d.done)
}

// enqueue queues d for a connection picked at random; call with s.mu held.
// A card click has one deadline from now, whether or not a connection takes
// it, as a user's click has. With Options.Duplicates every n-th bot message
// is marked to be pushed a second time.
func (s *Server) enqueue(d *delivery) {
	d.done = make(chan struct{})
	if d.topic == TopicBotMessage && s.opts.Duplicates > 0 {
		s.st.pushes++
		d.duplicate = s.st.pushes%s.opts.Duplicates == 0
	}
	s.st.queue = append(s.st.queue, d)
	if d.topic == TopicCardCallback {
		time.AfterFunc(d.timeout, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if !d.finished() {
				d.finish(nil, errors.Join(ErrNoAck, errors.New("no answer within the deadline")))
				s.bump(EventFrame, "")
			}
		})
	}
	s.assign()
	s.bump(EventFrame, "")
}

// assign gives every queued delivery without a usable connection one of
// the app's live, subscribed connections, chosen at random per push as
// DingTalk does ("钉钉服务端每次推送消息时候，通过随机策略选取一个Stream通道推送",
// protocol.md FAQ). A delivery waits on its connection's window; it moves
// only when that connection goes or drains before sending it. Call with
// s.mu held.
func (s *Server) assign() {
	for _, d := range s.st.queue {
		if c, ok := s.st.conns[d.connID]; ok && !c.draining {
			continue
		}
		var eligible []*conn
		for _, c := range s.st.conns {
			if c.clientID == d.clientID && !c.draining && c.subscribed(d.typ, d.topic) {
				eligible = append(eligible, c)
			}
		}
		d.connID = ""
		if len(eligible) > 0 {
			d.connID = eligible[rand.IntN(len(eligible))].id
		}
	}
}

// settle ends a pushed delivery whose frame went unacknowledged: it is not
// pushed again. A delivery marked duplicate is pushed once more either way.
func (s *Server) settle(d *delivery, reason string) {
	if d == nil {
		return
	}
	s.pushCopy(d)
	d.finish(nil, errors.Join(ErrNoAck, errors.New(reason)))
}

// pushCopy queues the second push of a delivery marked duplicate: same data
// and msgId, a new frame, a connection chosen anew. Call with s.mu held.
func (s *Server) pushCopy(d *delivery) {
	if !d.duplicate {
		return
	}
	d.duplicate = false
	cp := &delivery{clientID: d.clientID, typ: d.typ, topic: d.topic, data: d.data, msgID: d.msgID,
		timeout: d.timeout, attempts: d.attempts, done: make(chan struct{})}
	s.st.queue = append(s.st.queue, cp)
	s.assign()
}

// sendLoop pushes queued deliveries to c, at most Window unacked at once.
func (s *Server) sendLoop(c *conn) {
	for {
		s.mu.Lock()
		if c.gone || s.done() {
			s.mu.Unlock()
			return
		}
		fr, ok := s.next(c)
		wait := s.changed
		s.mu.Unlock()
		if !ok {
			select {
			case <-wait:
			case <-c.done:
				return
			case <-s.closing:
				return
			}
			continue
		}
		if err := c.write(fr); err != nil {
			s.unsent(c, fr.Headers["messageId"])
			c.close() // the read loop ends and settles what is pending
			return
		}
	}
}

// next takes the first delivery c may carry and registers its frame; call
// with s.mu held.
func (s *Server) next(c *conn) (wireFrame, bool) {
	if c.draining || len(c.pending) >= s.opts.Window {
		return wireFrame{}, false
	}
	for i := 0; i < len(s.st.queue); i++ {
		d := s.st.queue[i]
		if d.finished() {
			s.st.queue = append(s.st.queue[:i], s.st.queue[i+1:]...)
			i--
			continue
		}
		if d.connID != c.id {
			continue
		}
		s.st.queue = append(s.st.queue[:i], s.st.queue[i+1:]...)
		d.attempts++
		fr, fs := s.newFrame(c, d.typ, d.topic, d.data, d)
		id := fr.Headers["messageId"]
		c.pending[id] = fs
		fs.timer = time.AfterFunc(d.timeout, func() { s.expire(id) })
		return fr, true
	}
	return wireFrame{}, false
}

// unsent puts a delivery whose frame could not even be written (the
// connection was already going) back in the queue for another connection:
// it was never pushed.
func (s *Server) unsent(c *conn, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := c.pending[id]
	if fs == nil || fs.d == nil || fs.d.finished() {
		return
	}
	fs.timer.Stop()
	fs.expired = true
	s.st.frameLog[fs.idx].Expired = true
	delete(c.pending, id)
	c.draining = true // it is going: push nothing more to it
	fs.d.connID = ""
	s.st.queue = append(s.st.queue, fs.d)
	s.assign()
}

// expire handles a frame whose ack did not come within its timeout.
func (s *Server) expire(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := s.st.frames[id]
	if fs == nil || fs.acked || fs.expired {
		return
	}
	fs.expired = true
	s.st.frameLog[fs.idx].Expired = true
	delete(fs.c.pending, id)
	s.settle(fs.d, "no ack within the deadline")
	s.bump(EventFrame, id)
}

// system sends a SYSTEM frame to every live connection of every app.
func (s *Server) system(topic, data string, drain bool) {
	s.mu.Lock()
	type out struct {
		c  *conn
		fr wireFrame
	}
	var outs []out
	for _, c := range s.st.conns {
		fr, fs := s.newFrame(c, "SYSTEM", topic, data, nil)
		if topic == "ping" {
			fs.ping = data
		}
		c.draining = c.draining || drain
		outs = append(outs, out{c, fr})
	}
	if drain {
		s.assign()
	}
	s.mu.Unlock()
	for _, o := range outs {
		if err := o.c.write(o.fr); err != nil {
			o.c.close()
		}
	}
	if drain {
		for _, o := range outs {
			time.AfterFunc(s.opts.DisconnectGrace, o.c.close)
		}
	}
}

// Ping sends a SYSTEM ping to every connection; the SDK echoes its data,
// and a wrong echo is recorded as a Problem.
func (s *Server) Ping() { s.system("ping", `{"opaque":"`+randomID(8)+`"}`, false) }

// Disconnect sends the SYSTEM disconnect DingTalk sends before its periodic
// forced disconnects; connections get no more data frames and are dropped
// after DisconnectGrace if the client has not closed them.
func (s *Server) Disconnect() { s.system("disconnect", `{"reason":"connection is expired"}`, true) }

// DropConnections closes every connection abruptly, like a network drop.
func (s *Server) DropConnections() { s.dropAll() }

func (s *Server) dropAll() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.st.conns))
	for _, c := range s.st.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// DelayAcks makes the emulator see every ack d late, like a slow network:
// with d above the ack timeout, frames are recorded expired (and, like
// DingTalk, not pushed again).
func (s *Server) DelayAcks(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.ackDelay = d
}

// Delivery is an injected message on its way to the app.
type Delivery struct {
	MsgID          string // data.msgId of a bot message
	SessionWebhook string
	d              *delivery
}

// Wait returns the first ack of the delivery, or ErrNoAck when every
// attempt went unacknowledged.
func (dl *Delivery) Wait(ctx context.Context) (Ack, error) {
	select {
	case <-dl.d.done:
		if dl.d.err != nil {
			return Ack{}, dl.d.err
		}
		return *dl.d.ack, nil
	case <-ctx.Done():
		return Ack{}, ctx.Err()
	}
}
