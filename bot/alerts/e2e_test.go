package alerts_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store/storetest"
)

func each(t *testing.T, f func(t *testing.T, b storetest.Backend)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}

// TestAlertToRollback is the whole path: v3 went live, Alertmanager posts
// HighErrorRate, the suggestion card is in web's chat with its rollback
// button, an approver clicks it once, and v2's artifact is live again.
func TestAlertToRollback(t *testing.T) {
	each(t, func(t *testing.T, b storetest.Backend) {
		w := newWorld(t, b, core.AlertSuggest)
		r := w.start("r1")
		r.post(t, amBody("firing", "c6eadffa33fcdf37", time.Now()))
		c := w.waitCards("suggestion", 1)[0]
		assert.Equal(t, "cid-web", c.SpaceID)
		assert.Equal(t, "show", c.Data["suggest_button"])
		assert.Equal(t, "hide", c.Data["buttons"], "no approve/reject on a suggestion")
		assert.Contains(t, c.Data["body"], "HighErrorRate")
		assert.Contains(t, c.Data["body"], "v2")
		assert.Equal(t, map[string]string{"bob": "bob", "carol": "carol"}, c.AtUserIDs, "approvers are @-mentioned")

		res := w.click(c, "dave")
		assert.Nil(t, res.CardData, "a click by someone outside the teams changes nothing")
		assert.Contains(t, res.PrivateData["notice"], "dave")

		res = w.click(c, "bob")
		require.NotNil(t, res.CardData, "the click answers with the suggestion's new state")
		assert.Equal(t, "hide", res.CardData["suggest_button"])
		assert.Equal(t, "filed", res.CardData["status"])

		rb := w.waitCards("rollback", 1)[0]
		done, err := w.emu.WaitCard(wait, rb.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
		require.NoError(t, err, "the rollback's card follows it to the end")
		assert.Contains(t, done.Data["requester"], "alert:alertmanager", "the alert filed it; bob approved it in the same click")
		live, err := w.dep.Live(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "web/manifest.2.json", live.Ref, "the previous artifact is live")

		evs, err := r.store.Audit(t.Context(), core.AuditFilter{Kind: core.AuditAlert})
		require.NoError(t, err)
		require.NotEmpty(t, evs)
		assert.Contains(t, evs[0].Detail, "id=c6eadffa33fcdf37")
	})
}

// TestResolveClosesTheCard: a resolve updates the suggestion card and takes
// its button away; later alerts about the same release join the card.
func TestResolveClosesTheCard(t *testing.T) {
	each(t, func(t *testing.T, b storetest.Backend) {
		w := newWorld(t, b, core.AlertSuggest)
		r := w.start("r1")
		at := time.Now()
		r.post(t, amBody("firing", "fp-a", at))
		c := w.waitCards("suggestion", 1)[0]
		r.post(t, amBody("firing", "fp-b", at))
		_, err := w.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool {
			return strings.Count(c.Data["reason"], "HighErrorRate") == 2
		})
		require.NoError(t, err, "a second alert joins the card")
		r.post(t, amBody("resolved", "fp-a", at))
		r.post(t, amBody("resolved", "fp-b", at))
		closed, err := w.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "resolved" })
		require.NoError(t, err)
		assert.Equal(t, "hide", closed.Data["suggest_button"], "the button goes")
		assert.Contains(t, closed.Data["result"], "未做任何操作")
		assert.Len(t, w.cardsOfKind("suggestion"), 1, "one card per release")
		assert.Empty(t, w.cardsOfKind("rollback"), "nothing filed")
	})
}

// TestTwoReplicasOneCard: Alertmanager's resends and two replicas that
// each receive the same alerts at once make one suggestion card.
func TestTwoReplicasOneCard(t *testing.T) {
	each(t, func(t *testing.T, b storetest.Backend) {
		w := newWorld(t, b, core.AlertSuggest)
		rs := []*replica{w.start("r1"), w.start("r2")}
		at := time.Now()
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Go(func() { rs[i%2].post(t, amBody("firing", []string{"fp-a", "fp-b"}[i%3%2], at)) })
		}
		wg.Wait()
		c := w.waitCards("suggestion", 1)[0]
		_, err := w.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool {
			return strings.Count(c.Data["reason"], "HighErrorRate") == 2
		})
		require.NoError(t, err, "both alerts end up on the one card")
		time.Sleep(200 * time.Millisecond) // let a wrongly second card surface; no timing is asserted
		assert.Len(t, w.cardsOfKind("suggestion"), 1)
		recs, err := rs[0].store.Alerts(t.Context(), core.AlertFilter{})
		require.NoError(t, err)
		assert.Len(t, recs, 2, "each alert recorded once")
	})
}

// TestRequestPolicy: the alert files the rollback at once; its approval
// card carries the alert, and any approver may approve it.
func TestRequestPolicy(t *testing.T) {
	each(t, func(t *testing.T, b storetest.Backend) {
		w := newWorld(t, b, core.AlertRequest)
		r := w.start("r1")
		r.post(t, amBody("firing", "fp-a", time.Now()))
		c := w.waitCards("rollback", 1)[0]
		assert.Equal(t, "pending_approval", c.Data["status"])
		assert.Equal(t, "alert:alertmanager", c.Data["requester"])
		assert.Contains(t, c.Data["reason"], "HighErrorRate")
		r.post(t, amBody("firing", "fp-b", time.Now()))
		assert.Len(t, w.cardsOfKind("rollback"), 1, "a second alert files nothing more")
		assert.Empty(t, w.cardsOfKind("suggestion"))
	})
}

// TestAutoPolicy: the alert rolls back by itself and the people the app
// names are told 1:1.
func TestAutoPolicy(t *testing.T) {
	each(t, func(t *testing.T, b storetest.Backend) {
		w := newWorld(t, b, core.AlertAuto)
		r := w.start("r1")
		r.post(t, amBody("firing", "fp-a", time.Now()))
		c := w.waitCards("rollback", 1)[0]
		_, err := w.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
		require.NoError(t, err)
		live, err := w.dep.Live(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "web/manifest.2.json", live.Ref)
		require.NoError(t, w.emu.WaitFor(wait, func() bool {
			for _, d := range w.emu.DirectMessages() {
				if len(d.UserIDs) == 1 && d.UserIDs[0] == "carol" && strings.Contains(fmt.Sprint(d.Param["content"]), "auto") {
					return true
				}
			}
			return false
		}), "carol, whom the app names, is told")
	})
}
