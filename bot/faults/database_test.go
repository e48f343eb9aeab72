package faults

import (
	"net/http"
	"net/url"
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
// without a second switch. Messages typed meanwhile hang in A unacked, so
// DingTalk delivers them again and B answers them. Then A's connections
// are cut: A fails its stale work cleanly and serves again.
func TestDatabaseStalledDuringDeploy(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps, s.Redeliver = 1, time.Second })
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
	w.handled(msgs, patience)
	w.checkAnswered(msgs)
	again := 0
	for _, m := range msgs {
		if w.deliveries(m.MsgID) > 1 {
			again++
		}
	}
	assert.Positive(t, again, "messages stuck in A were delivered again")

	p.Cut()
	p.Stall(Up, false)
	p.Stall(Down, false)
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
// are cut and refused while chat messages arrive on both replicas. A holds
// the acks of what it cannot record (retrying), so nothing is acked and
// lost; once the database is back every message is answered exactly once.
func TestDatabaseRefusedWhileMessagesArrive(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.pgProxy()
	a := w.start("replica-a", viaProxy(p))
	w.start("replica-b")
	p.Refuse(true)
	p.Cut()
	msgs := w.chatter(10, "db down")
	time.Sleep(2 * time.Second) // A's handlers keep retrying meanwhile
	p.Refuse(false)
	a.waitReady()
	w.handled(msgs, patience)
	w.checkAnswered(msgs)
	w.checkSettled()
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
