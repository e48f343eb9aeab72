package faults

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// clickKept is the start of the English private answer to a click the
// store could not record but the spool kept (bot/catalog_en.go).
const clickKept = "dingops cannot record your click right now; it is kept locally"

// spoolMax is the spool the tests below fill: four messages and a click.
const spoolMax = 5

// TestSpoolAcrossOutageAndSIGKILL runs the real binary with a spool
// (dingtalk.spool_dir, spool_max 5) while its database is refused, or
// stalled, as chat messages and a card click arrive. DingTalk pushes each
// once (docs/reliability.md), so the replica keeps each in its spool
// before it acks; the message that finds the spool full is answered on
// its session webhook that it was not taken. The replica is then killed
// with SIGKILL with its spool full, and a new process on the same spool
// directory, with the database back, records every kept message and the
// click exactly once: each message one answer, the click one approval,
// the rollback deployed once.
func TestSpoolAcrossOutageAndSIGKILL(t *testing.T) {
	t.Parallel()
	t.Run("database refused", func(t *testing.T) {
		t.Parallel()
		spoolAcrossOutage(t, func(p *Proxy) { p.Refuse(true); p.Cut() })
	})
	t.Run("database stalled", func(t *testing.T) {
		t.Parallel()
		if !long() {
			t.Skip("set " + envLong + "=1: a stalled database takes each message its whole record budget")
		}
		spoolAcrossOutage(t, func(p *Proxy) { p.Stall(Up, true); p.Stall(Down, true) })
	})
}

func spoolAcrossOutage(t *testing.T, outage func(*Proxy)) {
	w := newWorld(t, func(s *settings) { s.Apps, s.Spool = 1, spoolMax })
	p := w.pgProxy()
	a := w.start("replica-a", viaProxy(p))
	id := w.request("web1", 1)

	outage(p)
	msgs := w.chatter(spoolMax-1, "spooled")
	w.waitAcked(msgs) // acked only once written to the spool
	res, err := w.click(id, "bob", "approve")
	require.NoError(t, err)
	assert.Nil(t, res.CardData, "nothing decided yet")
	assert.True(t, strings.HasPrefix(res.PrivateData["notice"], clickKept), "the clicker is told it is kept: %v", res.PrivateData)

	over := w.say(chat(1), "dave", "/status web1")
	require.NoError(t, poll(patience, func() bool { return len(w.repliesTo(over.MsgID)) > 0 }),
		"the sender of a message the full spool cannot take is told")
	assert.True(t, strings.HasPrefix(w.repliesTo(over.MsgID)[0], notTaken), "told to send it again: %v", w.repliesTo(over.MsgID))
	for _, m := range msgs {
		assert.Empty(t, w.repliesTo(m.MsgID), "%q is kept, not answered yet", m.Text)
	}

	a.kill() // with a full spool
	p.Refuse(false)
	p.Stall(Up, false)
	p.Stall(Down, false)
	w.start("replica-a-again", spoolOf("replica-a"))

	w.answeredOnce(append(msgs, over), patience)
	_, err = w.st.Inbox().Get(w.ctx, over.MsgID)
	assert.Error(t, err, "the message not taken is not recorded later")
	w.waitStatus(id, core.StatusSucceeded, patience)
	w.checkDecisions(id, 1)
	w.checkDeployedOnce(id)
	w.checkLive()
	w.checkSettled()
}

// spoolOf makes the replica use another replica's spool directory, as a
// process restarted on the same data directory does.
func spoolOf(name string) replicaOption { return func(s *startSpec) { s.spool = name } }

// waitAcked waits until DingTalk has the ack of every message's push.
func (w *world) waitAcked(msgs []sent) {
	w.t.Helper()
	err := poll(patience, func() bool {
		acked := map[string]bool{}
		for _, f := range w.dt.Frames() {
			if f.Acked {
				acked[f.MsgID] = true
			}
		}
		for _, m := range msgs {
			if !acked[m.MsgID] {
				return false
			}
		}
		return true
	})
	require.NoError(w.t, err, "every push acked")
}
