package faults

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

// checkAnswered: every message was answered exactly once — one reply, or
// for an accepted rollback request one release and one card (a request in
// its app's own chat gets the card instead of a reply). It returns the
// releases the messages created.
func (w *world) checkAnswered(msgs []sent) []core.ReleaseID {
	w.t.Helper()
	replies, origins, cards := w.replyCount(), w.byOrigin(), w.cardCount()
	var ids []core.ReleaseID
	for _, m := range msgs {
		rs := origins[m.MsgID]
		switch {
		case len(rs) == 0:
			assert.Equal(w.t, 1, replies[m.MsgID], "%q (%s) answered once: %v", m.Text, m.MsgID, w.repliesTo(m.MsgID))
		case assert.Len(w.t, rs, 1, "%q made one release", m.Text):
			assert.Zero(w.t, replies[m.MsgID], "%q got its card, not a reply: %v", m.Text, w.repliesTo(m.MsgID))
			assert.Equal(w.t, 1, cards[rs[0].ID], "%q: one card for %s", m.Text, rs[0].ID)
			ids = append(ids, rs[0].ID)
		}
	}
	return ids
}

// cardCount maps release ids to how many cards show them.
func (w *world) cardCount() map[core.ReleaseID]int {
	out := map[core.ReleaseID]int{}
	for _, c := range w.dt.Cards() {
		n, err := strconv.ParseInt(c.Data["release_id"], 10, 64)
		require.NoError(w.t, err, "card %s names its release", c.OutTrackID)
		out[core.ReleaseID(n)]++
	}
	return out
}

// copies lists the answered CopyObject requests that deployed release id.
func (w *world) copies(id core.ReleaseID) []ossemu.Request {
	var out []ossemu.Request
	for _, r := range w.oss.Requests() {
		if r.Op == ossemu.OpCopyObject && r.Header.Get("X-Oss-Meta-Dingops-Release") == strconv.FormatInt(int64(id), 10) {
			out = append(out, r)
		}
	}
	return out
}

// checkDeployedOnce: OSS switched each release's fixed key exactly once.
func (w *world) checkDeployedOnce(ids ...core.ReleaseID) {
	w.t.Helper()
	for _, id := range ids {
		ok := 0
		for _, r := range w.copies(id) {
			if r.Status == 200 {
				ok++
			}
		}
		assert.Equal(w.t, 1, ok, "%s deployed exactly once", id)
	}
}

// checkLive: the fixed key of every app holds what the store says is live.
func (w *world) checkLive() {
	w.t.Helper()
	for i := 1; i <= w.set.Apps; i++ {
		live, err := w.st.Live(w.ctx, app(i))
		require.NoError(w.t, err)
		o, ok := w.oss.Object(ossBucket, app(i)+"/manifest.json")
		require.True(w.t, ok)
		assert.Equal(w.t, live.Artifact.Ref, o.Header.Get("X-Oss-Meta-Dingops-Source"), "%s: target and store agree", app(i))
	}
}

// checkSettled: nothing left in flight or claimed, and for every release
// the row, its card, the audit log and the requester's 1:1 agree.
func (w *world) checkSettled() {
	w.t.Helper()
	w.checkUnclaimed()
	for _, r := range w.releases() {
		w.checkAgree(r)
	}
}

// checkUnclaimed: no release approved or in flight, no run lock, no chat
// message unfinished.
func (w *world) checkUnclaimed() {
	w.t.Helper()
	inflight, err := w.st.Find(w.ctx, core.ReleaseFilter{Statuses: append([]core.Status{core.StatusApproved}, core.InFlightStatuses...)})
	require.NoError(w.t, err)
	assert.Empty(w.t, inflight, "no release left approved or in flight")
	locks, err := w.st.Locks(w.ctx, "")
	require.NoError(w.t, err)
	for _, l := range locks {
		assert.NotEqual(w.t, core.LockRun, l.Kind, "run lock of %s left held by %s for %s", l.App, l.Holder, l.ReleaseID)
	}
	pending, err := w.st.Inbox().Pending(w.ctx, time.Now().Add(24*time.Hour), 0)
	require.NoError(w.t, err)
	assert.Empty(w.t, pending, "no chat message left unfinished")
}

// releases lists every release made through chat (not recorded from CI).
func (w *world) releases() []core.Release {
	var out []core.Release
	for _, rs := range w.byOrigin() {
		for _, r := range rs {
			if !strings.HasPrefix(r.OriginMsgID, "record:") {
				out = append(out, r)
			}
		}
	}
	return out
}

// checkAgree: the card shows the row's status, and the audit records the
// final transition once.
func (w *world) checkAgree(r core.Release) {
	w.t.Helper()
	c := w.cardOf(r.ID)
	_, err := w.dt.WaitCard(patience, c.OutTrackID, func(c2 dingtalkemu.Card) bool { return c2.Data["status"] == string(r.Status) })
	assert.NoError(w.t, err, "the card of %s shows %s", r.ID, r.Status)
	if !r.Status.Final() {
		return
	}
	evs, err := w.st.Audit(w.ctx, core.AuditFilter{ReleaseID: r.ID, Kind: core.AuditTransition})
	require.NoError(w.t, err)
	n := 0
	for _, ev := range evs {
		if strings.Contains(ev.Detail, "→ "+string(r.Status)) {
			n++
		}
	}
	assert.Equal(w.t, 1, n, "%s: one transition to %s in the audit: %s", r.ID, r.Status, details(evs))
	if r.Status == core.StatusSucceeded || r.Status == core.StatusFailed {
		err := poll(patience, func() bool { return w.toldRequester(r) > 0 })
		assert.NoError(w.t, err, "%s: the requester is told the outcome", r.ID)
		assert.Equal(w.t, 1, w.toldRequester(r), "%s: the requester is told the outcome once", r.ID)
	}
}

// toldRequester counts the 1:1 messages to r's requester about r.
func (w *world) toldRequester(r core.Release) int {
	n := 0
	for _, m := range w.dt.DirectMessages() {
		if len(m.UserIDs) == 1 && m.UserIDs[0] == r.Requester && strings.Contains(fmt.Sprint(m.Param["content"]), r.Label()) {
			n++
		}
	}
	return n
}

func details(evs []core.AuditEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "\n  %s %s %s", ev.Kind, ev.Actor, ev.Detail)
	}
	return b.String()
}

// claimer is the worker that claimed release id (from the audit), or "".
func (w *world) claimer(id core.ReleaseID) string {
	evs, err := w.st.Audit(w.ctx, core.AuditFilter{ReleaseID: id, Kind: core.AuditTransition})
	require.NoError(w.t, err)
	for _, ev := range evs {
		if _, by, ok := strings.Cut(ev.Detail, " → deploying by "); ok {
			return by
		}
	}
	return ""
}

// resumedBy reports whether worker took release id over from another.
func (w *world) resumedBy(id core.ReleaseID, worker string) bool {
	evs, err := w.st.Audit(w.ctx, core.AuditFilter{ReleaseID: id, Kind: core.AuditStep})
	require.NoError(w.t, err)
	for _, ev := range evs {
		if strings.HasPrefix(ev.Detail, "resumed at ") && strings.HasSuffix(ev.Detail, " by "+worker) {
			return true
		}
	}
	return false
}
