package dingtalkemu

import (
	"errors"
	"fmt"
	"time"
)

// ErrClosed: the emulator was closed while something waited on it.
var ErrClosed = errors.New("dingtalk emulator closed")

// WaitFor waits until cond holds, re-checking on every change, for at most
// timeout. cond may call the emulator's accessors.
func (s *Server) WaitFor(timeout time.Duration, cond func() bool) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-s.closing:
			return ErrClosed
		case <-t.C:
			return fmt.Errorf("dingtalk emulator: condition not met within %s", timeout)
		}
	}
}

// WaitAcks waits until at least n acks of data frames (not SYSTEM) came in
// and returns them all.
func (s *Server) WaitAcks(timeout time.Duration, n int) ([]Ack, error) {
	var acks []Ack
	err := s.WaitFor(timeout, func() bool {
		acks = s.DataAcks()
		return len(acks) >= n
	})
	return acks, err
}

// WaitLive waits until at least n connections are open.
func (s *Server) WaitLive(timeout time.Duration, n int) error {
	return s.WaitFor(timeout, func() bool { return len(s.LiveConnections()) >= n })
}

// WaitCard waits until the card exists and cond holds for it.
func (s *Server) WaitCard(timeout time.Duration, outTrackID string, cond func(Card) bool) (Card, error) {
	var card Card
	err := s.WaitFor(timeout, func() bool {
		c, ok := s.Card(outTrackID)
		card = c
		return ok && (cond == nil || cond(c))
	})
	return card, err
}

// WaitReplies waits until at least n session webhook calls came in.
func (s *Server) WaitReplies(timeout time.Duration, n int) ([]Reply, error) {
	var out []Reply
	err := s.WaitFor(timeout, func() bool { out = s.Replies(); return len(out) >= n })
	return out, err
}

// WaitGroupMessages waits until at least n group messages were sent.
func (s *Server) WaitGroupMessages(timeout time.Duration, n int) ([]GroupMessage, error) {
	var out []GroupMessage
	err := s.WaitFor(timeout, func() bool { out = s.GroupMessages(); return len(out) >= n })
	return out, err
}

// WaitDirectMessages waits until at least n 1:1 sends came in.
func (s *Server) WaitDirectMessages(timeout time.Duration, n int) ([]DirectMessage, error) {
	var out []DirectMessage
	err := s.WaitFor(timeout, func() bool { out = s.DirectMessages(); return len(out) >= n })
	return out, err
}

// Connections lists every connection ever opened, oldest first.
func (s *Server) Connections() []ConnInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnInfo, len(s.st.connLog))
	for i, c := range s.st.connLog {
		c.Subscriptions = append([]Subscription(nil), c.Subscriptions...)
		out[i] = c
	}
	return out
}

// LiveConnections lists the open connections.
func (s *Server) LiveConnections() []ConnInfo {
	var out []ConnInfo
	for _, c := range s.Connections() {
		if c.ClosedAt.IsZero() {
			out = append(out, c)
		}
	}
	return out
}

// Frames lists every frame sent, oldest first.
func (s *Server) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.st.frameLog...)
}

// Acks lists every ack received, SYSTEM ones included, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.st.acks...)
}

// DataAcks lists the acks of CALLBACK and EVENT frames.
func (s *Server) DataAcks() []Ack {
	var out []Ack
	for _, a := range s.Acks() {
		if a.Type != "SYSTEM" {
			out = append(out, a)
		}
	}
	return out
}

// Queued counts deliveries waiting for a free connection.
func (s *Server) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, d := range s.st.queue {
		if !d.finished() {
			n++
		}
	}
	return n
}
