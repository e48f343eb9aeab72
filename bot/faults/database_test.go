package faults

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// alreadyLive is the audit detail of a resumed deploy that found the
// artifact live and did not deploy again.
const alreadyLive = "resumed deploy: artifact already live, not deployed again"

// TestDatabaseStalledDuringDeploy: replica A's database path goes silent
// (a stalled fault proxy) just as its CopyObject lands, so A can neither
// record the end nor renew its lease. Replica B, started then, takes the
// release over once the lease lapses, finds the artifact live and finishes
// without a second switch. Messages typed meanwhile are pushed to A or B
// at random, once each; those A cannot record go to A's spool (or, without
// one, their senders are told to send again). Then A's connections are
// cut: A fails its stale work cleanly, records what it kept and serves
// again; every message got exactly one answer.
func TestDatabaseStalledDuringDeploy(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps = 1 })
	p := w.pgProxy()
	a := w.start("replica-a", viaProxy(p))
	id := w.request("web1", 1)
	release := w.holdCopy()
	w.approve(id)
	release(func() { p.Stall(Up, true); p.Stall(Down, true) })

	b := w.start("replica-b")
	w.waitStatus(id, core.StatusSucceeded, patience)
	assert.True(t, w.resumedBy(id, b.id), "B resumed the release")
	assert.True(t, w.audited(id, alreadyLive), "B found the artifact live and did not deploy again")
	w.checkDeployedOnce(id)
	msgs := w.chatter(4, "A stalled")
	p.Cut()
	p.Stall(Up, false)
	p.Stall(Down, false)
	w.answeredOnce(msgs, patience)
	a.waitReady()
	w.serves(a)
	w.checkLive()
	w.checkSettled()
}

// TestDatabaseBackendsTerminated: while replica A deploys, an operator (or
// a failover) terminates every one of A's PostgreSQL backends with
// pg_terminate_backend. A's pool reconnects; the release ends succeeded
// once, deployed once, and A answers chat again.
func TestDatabaseBackendsTerminated(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps = 1 })
	a := w.start("replica-a")
	id := w.request("web1", 1)
	release := w.holdCopy()
	w.approve(id)
	var killed int
	release(func() { killed = w.terminate("replica-a") })
	assert.Positive(t, killed, "A had backends to terminate")

	w.waitStatus(id, core.StatusSucceeded, patience)
	w.checkDeployedOnce(id)
	a.waitReady()
	w.serves(a)
	w.checkLive()
	w.checkSettled()
}

// TestDatabaseRefusedWhileMessagesArrive: replica A's database connections
// are cut and refused while chat messages arrive on both replicas. DingTalk
// pushes each once, so A keeps what it cannot record in its local spool
// (or, without one, tells the sender to send again); once the database is
// back every message has exactly one answer.
func TestDatabaseRefusedWhileMessagesArrive(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.pgProxy()
	a := w.start("replica-a", viaProxy(p))
	w.start("replica-b")
	p.Refuse(true)
	p.Cut()
	msgs := w.chatter(10, "db down")
	time.Sleep(2 * time.Second) // A's spool keeps trying meanwhile
	p.Refuse(false)
	a.waitReady()
	w.answeredOnce(msgs, patience)
	w.checkSettled()
}

// notTaken is the start of the English notice a sender gets when a replica
// could neither record nor spool their message (bot/catalog_en.go).
const notTaken = "⚠️ This message was not taken"

// answeredOnce waits until each message has a reply and checks it has
// exactly one: its answer, or the notice that it was not taken (a replica
// without a spool). With a spool every one is answered. Silence is loss.
func (w *world) answeredOnce(msgs []sent, within time.Duration) {
	w.t.Helper()
	err := poll(within, func() bool {
		for _, m := range msgs {
			if len(w.repliesTo(m.MsgID)) == 0 {
				return false
			}
		}
		return true
	})
	require.NoError(w.t, err, "every message got a reply")
	var answered []sent
	for _, m := range msgs {
		rs := w.repliesTo(m.MsgID)
		assert.Len(w.t, rs, 1, "%q (%s) got one reply: %v", m.Text, m.MsgID, rs)
		if !strings.HasPrefix(rs[0], notTaken) {
			answered = append(answered, m)
		}
	}
	w.handled(answered, within)
	w.checkAnswered(answered)
}

// pgProxy puts a fault proxy in front of the world's PostgreSQL server.
func (w *world) pgProxy() *Proxy {
	u, err := url.Parse(w.dsn)
	require.NoError(w.t, err)
	p, err := NewProxy(u.Host, Options{})
	require.NoError(w.t, err)
	w.t.Cleanup(func() { _ = p.Close() })
	return p
}

// holdCopy makes the next CopyObject wait at OSS's door; the returned
// function waits until it arrived, runs fault there, and lets it through.
func (w *world) holdCopy() func(fault func()) {
	arrived, proceed := make(chan struct{}), make(chan struct{})
	w.gate.onCopy(func(*http.Request) {
		w.gate.onCopy(nil)
		close(arrived)
		select { // a test that failed meanwhile must not leave OSS stuck
		case <-proceed:
		case <-time.After(patience):
		}
	})
	return func(fault func()) {
		defer close(proceed)
		select {
		case <-arrived:
		case <-time.After(patience):
			w.t.Fatal("no CopyObject reached OSS")
		}
		fault()
	}
}

// terminate ends every PostgreSQL backend of the named replica in this
// world's database (other tests' replicas have the same names).
func (w *world) terminate(name string) int {
	var n int
	err := w.st.DB().DB.QueryRowContext(w.ctx,
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
		name).Scan(&n)
	require.NoError(w.t, err)
	return n
}

// audited reports whether release id's audit has an event with detail.
func (w *world) audited(id core.ReleaseID, detail string) bool {
	evs, err := w.st.Audit(w.ctx, core.AuditFilter{ReleaseID: id})
	require.NoError(w.t, err)
	for _, ev := range evs {
		if ev.Detail == detail {
			return true
		}
	}
	return false
}

// serves: a message typed now is answered once (by whichever replica).
func (w *world) serves(r *replica) {
	w.t.Helper()
	require.True(w.t, r.alive(), "%s still runs", r.name)
	m := w.say(chat(1), "dave", "/status web1")
	w.handled([]sent{m}, patience)
	w.checkAnswered([]sent{m})
}
