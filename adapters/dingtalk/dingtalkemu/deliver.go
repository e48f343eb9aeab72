package dingtalkemu

import (
	"context"
	"errors"
	"time"
)

// ErrNoAck: a frame's deliveries all went unacknowledged.
var ErrNoAck = errors.New("dingtalk emulator: frame was not acknowledged")

// delivery is one message to push to one of the app's connections, maybe
// several times; guarded by Server.mu.
type delivery struct {
	clientID   string
	typ, topic string
	data       string
	msgID      string
	outTrackID string
	redeliver  bool
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

// finish settles d once; later acks of redelivered frames are only recorded.
func (d *delivery) finish(a *Ack, err error) {
	if d.finished() {
		return
	}
	d.ack, d.err = a, err
	close(d.done)
}

// enqueue queues d for the next free connection; call with s.mu held. A
// delivery without redelivery (a card click) has one deadline from now,
// whether or not a connection takes it, as a user's click has.
func (s *Server) enqueue(d *delivery) {
	d.done = make(chan struct{})
	s.st.queue = append(s.st.queue, d)
	if !d.redeliver {
		time.AfterFunc(d.timeout, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if !d.finished() {
				d.finish(nil, errors.Join(ErrNoAck, errors.New("no answer within the deadline")))
				s.bump(EventFrame, "")
			}
		})
	}
	s.bump(EventFrame, "")
}

// retry queues d again after an unacknowledged frame, or fails it.
func (s *Server) retry(d *delivery, reason string) {
	if d == nil || d.finished() {
		return
	}
	if d.redeliver && (s.opts.MaxDeliveries == 0 || d.attempts < s.opts.MaxDeliveries) {
		s.st.queue = append(s.st.queue, d)
		return
	}
	d.finish(nil, errors.Join(ErrNoAck, errors.New(reason)))
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
			c.close() // the read loop ends and requeues what is pending
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
		if d.clientID != c.clientID || !c.subscribed(d.typ, d.topic) {
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
	s.retry(fs.d, "no ack within the deadline")
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
// with d above the redelivery deadline, frames are delivered again.
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
