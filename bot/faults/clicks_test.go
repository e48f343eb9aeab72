package faults

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
)

// TestCardClicks: a card clicked twice by one approver, clicked by two
// approvers at the same moment on two replicas, and approved and rejected
// at the same moment: each time exactly one decision is recorded and
// carried out, and the losing click is told why, privately.
func TestCardClicks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, b := w.start("replica-a"), w.start("replica-b")
	require.NotEmpty(t, a.conn)
	require.NotEmpty(t, b.conn)

	double := w.request("web1", 1)
	w.approve(double)
	res, err := w.click(double, "bob", "approve")
	require.NoError(t, err)
	assert.Nil(t, res.CardData, "the second click changes nothing public")
	assert.NotEmpty(t, res.PrivateData["notice"], "the clicker is told why")
	w.waitStatus(double, core.StatusSucceeded, patience)
	w.checkDecisions(double, 1)

	together := w.request("web2", 1)
	outs := w.clickTogether(together, []string{a.conn, b.conn}, [2]string{"bob", "approve"}, [2]string{"carol", "approve"})
	w.checkOneWinner(outs)
	assert.ElementsMatch(t, []string{a.conn, b.conn}, w.clickConns(together), "the two clicks reached two replicas")
	w.waitStatus(together, core.StatusSucceeded, patience)
	w.checkDecisions(together, 1)

	mixed := w.request("web1", 2)
	outs = w.clickTogether(mixed, nil, [2]string{"bob", "approve"}, [2]string{"carol", "reject"})
	w.checkOneWinner(outs)
	r, err := w.st.Release(w.ctx, mixed)
	require.NoError(t, err)
	w.checkDecisions(mixed, 1)
	deployed := []core.ReleaseID{double, together}
	if r.Status != core.StatusRejected {
		w.waitStatus(mixed, core.StatusSucceeded, patience)
		deployed = append(deployed, mixed)
	} else {
		assert.Empty(t, w.copies(mixed), "a rejected rollback is not deployed")
	}
	w.checkDeployedOnce(deployed...)
	w.checkSettled()
}

// clickOutcome is one click's answer.
type clickOutcome struct {
	res dingtalkemu.ClickResult
	err error
}

// clickTogether presses buttons of one card at the same moment, the i-th
// pushed to conns[i] when given (DingTalk picks a connection at random per
// push, so two clicks meet on two replicas only half the time; the test
// makes sure they do), with acks slowed so both are in flight at once.
func (w *world) clickTogether(id core.ReleaseID, conns []string, clicks ...[2]string) []clickOutcome {
	c := w.cardOf(id)
	w.dt.DelayAcks(700 * time.Millisecond)
	defer w.dt.DelayAcks(0)
	ctx, cancel := context.WithTimeout(w.ctx, patience)
	defer cancel()
	outs := make([]clickOutcome, len(clicks))
	var wg sync.WaitGroup
	for i, k := range clicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := ""
			if i < len(conns) {
				conn = conns[i]
			}
			outs[i].res, outs[i].err = w.dt.ClickCard(ctx, dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: k[0],
				ConnID: conn, Params: map[string]any{"action": k[1], "release_id": strconv.FormatInt(int64(id), 10)}})
		}()
	}
	wg.Wait()
	return outs
}

// checkOneWinner: exactly one click changed the card, the other was told
// privately.
func (w *world) checkOneWinner(outs []clickOutcome) {
	w.t.Helper()
	winners := 0
	for _, o := range outs {
		require.NoError(w.t, o.err)
		if o.res.CardData != nil {
			winners++
		} else {
			assert.NotEmpty(w.t, o.res.PrivateData["notice"], "the losing click is told why")
		}
	}
	assert.Equal(w.t, 1, winners, "one click decided")
}

// checkDecisions: the release records n decisions, and the audit n
// approvals or rejections.
func (w *world) checkDecisions(id core.ReleaseID, n int) {
	w.t.Helper()
	r, err := w.st.Release(w.ctx, id)
	require.NoError(w.t, err)
	assert.Len(w.t, r.Approvals, n, "%s: decisions recorded", id)
	evs, err := w.st.Audit(w.ctx, core.AuditFilter{ReleaseID: id})
	require.NoError(w.t, err)
	got := 0
	for _, ev := range evs {
		if ev.Kind == core.AuditApprove || ev.Kind == core.AuditReject {
			got++
		}
	}
	assert.Equal(w.t, n, got, "%s: decisions audited: %s", id, details(evs))
}

// clickConns lists the connections that carried clicks on id's card.
func (w *world) clickConns(id core.ReleaseID) []string {
	c := w.cardOf(id)
	var out []string
	for _, f := range w.dt.Frames() {
		if f.Topic == dingtalkemu.TopicCardCallback && f.OutTrackID == c.OutTrackID {
			out = append(out, f.ConnID)
		}
	}
	return out
}
