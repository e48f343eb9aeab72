package faults

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStreamReconnect: DingTalk drops both replicas' stream connections,
// and messages are typed while they are down; after they reconnect every
// message is answered exactly once. A burst typed just before the outage
// is still in flight when it hits, except in the 5 s variant (see
// docs/reliability.md: a message whose frame is cut mid-record waits for
// the next inbox rescan, up to a minute). The 30 s refusal (the transport
// backs off up to 60 s) runs with DINGOPS_LONG=1.
func TestStreamReconnect(t *testing.T) {
	t.Parallel()
	drop := func(d time.Duration) func(*world) {
		return func(w *world) { w.dt.RefuseConnections(d); w.dt.DropConnections() }
	}
	t.Run("SYSTEM disconnect", func(t *testing.T) {
		t.Parallel()
		streamOutage(t, func(w *world) { w.dt.Disconnect() }, 0, true)
	})
	t.Run("dropped and refused 5s", func(t *testing.T) {
		t.Parallel()
		streamOutage(t, drop(5*time.Second), 5*time.Second, false)
	})
	t.Run("dropped in flight and refused 30s", func(t *testing.T) {
		if !long() {
			t.Skip("set " + envLong + "=1: the transport's back-off makes this take about a minute")
		}
		t.Parallel()
		streamOutage(t, drop(30*time.Second), 30*time.Second, true)
	})
}

// streamOutage types a burst, cuts the connections with outage (right
// behind the burst when inFlight, else once it is answered), types more
// while they are down, and checks that everything is answered once after
// the replicas reconnect.
func streamOutage(t *testing.T, outage func(*world), refused time.Duration, inFlight bool) {
	w := newWorld(t)
	rs := w.startAll("replica-a", "replica-b")
	before := len(w.dt.Connections())
	msgs := w.chatter(10, "before")
	if !inFlight {
		w.handled(msgs, patience)
	}
	outage(w)
	msgs = append(msgs, w.chatter(10, "during")...)
	msgs = append(msgs, w.say(chat(1), "alice", "/rollback web1 v1 during the outage"))

	// Back-off: 3 s doubling with 20% jitter, up to 60 s; allow two more
	// rounds beyond the refusal.
	within := refused + 2*time.Minute
	w.handled(msgs, within)
	ids := w.checkAnswered(msgs)
	require.Len(t, ids, 1)
	require.NoError(t, w.dt.WaitLive(within, len(rs)), "both replicas reconnect")
	assert.GreaterOrEqual(t, len(w.dt.Connections()), before+len(rs), "new connections were opened")
	for _, r := range rs {
		r.waitReady()
	}
	w.approveAll(ids)
	w.checkDeployedOnce(ids...)
	w.checkSettled()
}

// chatter types n read-only commands spread over the app chats.
func (w *world) chatter(n int, tag string) []sent {
	var out []sent
	for k := range n {
		a := app(k%w.set.Apps + 1)
		text := "/status " + a
		if k%2 == 1 {
			text = fmt.Sprintf("/history %s 3 %s", a, tag)
		}
		out = append(out, w.say("cid-"+a, "dave", text))
	}
	return out
}

// TestLateAcksAndDuplicates: every ack reaches DingTalk after its
// deadline (which changes nothing: bot messages are not pushed again), and
// every message is pushed twice, to either replica, as the rare duplicate
// field reports describe; each is still answered once, and the rollback
// among them makes one release, one card and one deploy.
func TestLateAcksAndDuplicates(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.AckTimeout, s.Duplicates = time.Second, 1 })
	rs := w.startAll("replica-a", "replica-b")
	w.dt.DelayAcks(1500 * time.Millisecond) // past the deadline
	msgs := []sent{w.say(chat(1), "dave", "/status web1"), w.say(chat(1), "alice", "/rollback web1 v1 late acks")}
	err := poll(patience, func() bool {
		for _, m := range msgs {
			if w.deliveries(m.MsgID) < 2 {
				return false
			}
		}
		return true
	})
	require.NoError(t, err, "each message is pushed twice")
	w.dt.DelayAcks(0)
	w.handled(msgs, patience)
	ids := w.checkAnswered(msgs)
	require.Len(t, ids, 1)
	dropped := 0
	for _, r := range rs {
		dropped += r.logged("a repeated bot message")
	}
	assert.Equal(t, len(msgs), dropped, "every repeat was recognised (and not recorded again)")
	for _, m := range msgs {
		assert.Equal(t, 2, w.deliveries(m.MsgID), "pushed twice, never a third time")
	}
	w.approveAll(ids)
	w.checkDeployedOnce(ids...)
	w.checkSettled()
}

// deliveries counts the frames that carried message msgID.
func (w *world) deliveries(msgID string) int {
	n := 0
	for _, f := range w.dt.Frames() {
		if f.MsgID == msgID {
			n++
		}
	}
	return n
}
