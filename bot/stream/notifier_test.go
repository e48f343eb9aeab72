package stream

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
)

// TestCardUpdateRetried: a failing UpdateCard is retried, and the card
// still ends in the final state.
func TestCardUpdateRetried(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	e.emu.InjectError(dingtalk.APIUpdateCard, 2, dingtalkemu.FaultSystemBusy)
	e.say("cid-web", "bob", "/approve "+c.Data["release_id"])
	_, err := e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
	require.NoError(t, err)
	r.handled(t)
	failed := 0
	for _, req := range e.emu.Requests() {
		if req.API == dingtalk.APIUpdateCard && req.Status != 200 {
			failed++
		}
	}
	assert.Equal(t, 2, failed)
}

// TestProgressCoalesced: a deploy that reports many lines does not make a
// card update per line, and the card ends in its final state.
func TestProgressCoalesced(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	id := releaseID(c)
	rel, err := r.eng.Release(context.Background(), id)
	require.NoError(t, err)
	n := r.tr.Notifier()
	r.tr.notifier.hold(id) // keep the updates queued while 100 events arrive
	for i := range 100 {
		n.Notify(context.Background(), core.Event{Release: rel, Step: core.StepProgress, Message: fmt.Sprintf("line %d", i)})
	}
	r.tr.notifier.settle(id, false)
	r.handled(t)
	assert.Len(t, e.cardUpdates(c.OutTrackID), 1, "100 events, one update")
	now, _ := e.emu.Card(c.OutTrackID)
	assert.Contains(t, now.Data["progress"], "line 99", "the latest progress line wins")
}

// TestNoStaleCardAfterStoreHiccup: a replica holds a queued update of a
// release that another replica has since carried to its end, and its
// database hiccups when it reads the release for the card. It must not put
// the old state it was told about back on the card: it waits, reads again,
// and sends what the store says.
func TestNoStaleCardAfterStoreHiccup(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r1 := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	id := releaseID(c)
	old, err := r1.eng.Release(context.Background(), id)
	require.NoError(t, err)
	e.say("cid-web", "bob", "/approve "+c.Data["release_id"])
	_, err = e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
	require.NoError(t, err)
	r1.handled(t)

	before := len(e.cardUpdates(c.OutTrackID))
	flaky := &flakyReleases{}
	e.wrapNext = func(s core.ReleaseStore) core.ReleaseStore { flaky.ReleaseStore = s; return flaky }
	r2 := e.start("r2")
	flaky.fail.Store(1)
	r2.tr.Notifier().Notify(context.Background(), core.Event{Release: old, Step: core.StepDeploying})
	r2.handled(t)
	now, _ := e.emu.Card(c.OutTrackID)
	assert.Equal(t, "succeeded", now.Data["status"], "the card keeps the newest state")
	updates := e.cardUpdates(c.OutTrackID)
	for _, req := range updates {
		assert.NotContains(t, req.Body, `"status":"`+string(old.Status)+`"`, "no update carried the old state")
	}
	assert.Len(t, updates, before+1, "r2 updated the card once, after reading the store again")
}

// cardUpdates lists the UpdateCard calls the emulator received for a card.
func (e *env) cardUpdates(outTrackID string) []dingtalkemu.Request {
	var out []dingtalkemu.Request
	for _, req := range e.emu.Requests() {
		if req.API == dingtalk.APIUpdateCard && strings.Contains(req.Body, outTrackID) {
			out = append(out, req)
		}
	}
	return out
}

// flakyReleases fails the next fail reads of one release.
type flakyReleases struct {
	core.ReleaseStore
	fail atomic.Int32
}

func (f *flakyReleases) Release(ctx context.Context, id core.ReleaseID) (core.Release, error) {
	if f.fail.Add(-1) >= 0 {
		return core.Release{}, fmt.Errorf("reading %s: connection reset by peer", id)
	}
	f.fail.Store(0)
	return f.ReleaseStore.Release(ctx, id)
}
