package stream

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store/storetest"
)

// TestApprovalFlow is the whole path: a message in, the card out, a click
// by someone who may not approve (refused privately, card unchanged), a
// click by an approver (the card says approved), the rollback carried out
// by a core worker and the card showing success, the requester told 1:1.
func TestApprovalFlow(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		r := e.start("r1")
		e.say("cid-web", "alice", "/rollback web v2 首页白屏")
		c := e.card(1)
		id := releaseID(c)
		assert.Equal(t, fmt.Sprintf("%s-%d", r.tr.inst, id), c.OutTrackID, "installation id plus release id")
		assert.Equal(t, "STREAM", c.CallbackType)
		assert.Equal(t, "IM_GROUP", c.SpaceType)
		assert.Equal(t, "cid-web", c.SpaceID)
		assert.Equal(t, map[string]string{"bob": "bob", "carol": "carol"}, c.AtUserIDs, "approvers are @-mentioned")
		assert.Equal(t, "pending_approval", c.Data["status"])
		assert.Equal(t, "show", c.Data["buttons"])
		dms, err := e.emu.WaitDirectMessages(wait, 1)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"bob", "carol"}, dms[0].UserIDs, "approvers get a 1:1 message")

		e.refusedClick(c, "dave", id)

		res := e.click(c.OutTrackID, "bob", "approve", fmt.Sprint(int64(id)))
		require.NotNil(t, res.CardData, "an approval answers with the card's new state")
		assert.Equal(t, "approved", res.CardData["status"])
		assert.Equal(t, "hide", res.CardData["buttons"])
		assert.Empty(t, res.PrivateData[NoticeParam])

		done, err := e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
		require.NoError(t, err, "the card follows the rollback to its end")
		assert.Contains(t, done.Data["result"], "✅")
		require.Len(t, e.deps["web"].Deploys(), 1)
		assert.Equal(t, "web/manifest.2.json", e.deps["web"].Deploys()[0].Artifact.Ref)
		r.handled(t)
		final, _ := e.emu.Card(c.OutTrackID)
		assert.Equal(t, "succeeded", final.Data["status"], "no late update undoes the end")
		assert.Empty(t, final.PrivateData["dave"][NoticeParam], "the refusal notice goes once the request ended")
		dms, err = e.emu.WaitDirectMessages(wait, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{"alice"}, dms[1].UserIDs, "the requester hears the outcome")
		assert.Contains(t, dms[1].Param["content"], fmt.Sprintf("#%d", id))
	})
}

// refusedClick clicks Approve as who, who may not approve: the refusal
// goes to who alone and the public card stays as it was.
func (e *env) refusedClick(c dingtalkemu.Card, who string, id core.ReleaseID) {
	t := e.t
	res := e.click(c.OutTrackID, who, "approve", fmt.Sprint(int64(id)))
	assert.Nil(t, res.CardData, "a refused click leaves the public card alone")
	assert.Contains(t, res.PrivateData[NoticeParam], who, "the refusal goes to the clicker")
	now, _ := e.emu.Card(c.OutTrackID)
	assert.Equal(t, c.Data, now.Data)
	assert.Equal(t, res.PrivateData, now.PrivateData[who])
}

// TestCardsInSeveralChats: one card per chat, each in its chat's language,
// all updated when the release moves.
func TestCardsInSeveralChats(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	e.start("r1")
	e.say("cid-api", "alice", "/rollback api v1 broken")
	e.card(2)
	cards := e.emu.Cards()
	require.Len(t, cards, 2)
	byChat := map[string]dingtalkemu.Card{cards[0].SpaceID: cards[0], cards[1].SpaceID: cards[1]}
	assert.NotEqual(t, cards[0].OutTrackID, cards[1].OutTrackID)
	assert.Equal(t, "同意", byChat["cid-api"].Data["approve_text"])
	assert.Equal(t, "Approve", byChat["cid-en"].Data["approve_text"], "the English chat's card is in English")
	id := releaseID(cards[0])
	e.click(byChat["cid-en"].OutTrackID, "carol", "approve", int64(id))
	for _, c := range cards {
		_, err := e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
		assert.NoError(t, err, "card in %s", c.SpaceID)
	}
}

// TestDuplicateDelivery: the same message delivered three times runs once.
func TestDuplicateDelivery(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	dl := e.say("cid-web", "alice", "/rollback web v2 broken")
	for range 2 {
		again, err := e.emu.Redeliver(dl.MsgID)
		require.NoError(t, err)
		_, err = again.Wait(ctxT(t))
		require.NoError(t, err)
	}
	e.card(1)
	r.handled(t)
	frames := 0
	for _, f := range e.emu.Frames() {
		if f.MsgID == dl.MsgID {
			frames++
		}
	}
	assert.Equal(t, 3, frames)
	assert.Len(t, e.emu.Cards(), 1, "one card")
	assert.Len(t, e.emu.DirectMessages(), 1, "one message to the approvers")
	hist, err := r.eng.History(context.Background(), "web", 10)
	require.NoError(t, err)
	assert.Len(t, hist, 4, "one rollback request besides the three seeded releases")
}

// TestConcurrentClicks: two approvers click at once on two replicas; one
// decision is recorded, the other click is answered privately.
func TestConcurrentClicks(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.start("r2")
	require.NoError(t, e.emu.WaitLive(wait, 2))
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	id := releaseID(c)
	var wg sync.WaitGroup
	results := make([]dingtalkemu.ClickResult, 2)
	for i, who := range []string{"bob", "carol"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.click(c.OutTrackID, who, []string{"approve", "reject"}[i], int64(id))
		}()
	}
	wg.Wait()
	decided := 0
	for _, res := range results {
		if res.CardData != nil {
			decided++
		} else {
			assert.NotEmpty(t, res.PrivateData[NoticeParam], "the loser is told why")
		}
	}
	assert.Equal(t, 1, decided, "exactly one click decides")
	rel, err := r.eng.Release(context.Background(), id)
	require.NoError(t, err)
	assert.Len(t, rel.Approvals, 1)
}

// TestBadClick: a button with a broken release id or action is answered
// privately, and nothing changes.
func TestBadClick(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	id := releaseID(c)
	cases := []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"action": "approve", "release_id": "abc"}, "abc"},
		{map[string]any{"action": "nuke", "release_id": fmt.Sprint(int64(id))}, "nuke"},
		{map[string]any{"action": "approve"}, "/approve"},
		{map[string]any{"action": "approve", "release_id": fmt.Sprint(int64(id) + 1)}, fmt.Sprint(int64(id) + 1)},
		{map[string]any{}, "dingops"},
	}
	for _, tc := range cases {
		res, err := e.emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: "bob", Params: tc.params})
		require.NoError(t, err)
		assert.Nil(t, res.CardData, "%v", tc.params)
		assert.True(t, res.Options.UpdateCardDataByKey, "a refusal merges, never replaces, the card data")
		assert.Contains(t, res.PrivateData[NoticeParam], tc.want, "%v", tc.params)
	}
	now, _ := e.emu.Card(c.OutTrackID)
	assert.Equal(t, c.Data, now.Data)

	// A card left from before a database reset names the same release id.
	old := dingtalk.Card{TemplateID: template, OutTrackID: "0ld1n5ta11-" + c.Data["release_id"], ConversationID: "cid-web",
		Data: c.Data}
	require.NoError(t, r.tr.api.CreateAndDeliverCard(context.Background(), old))
	res := e.click(old.OutTrackID, "bob", "approve", c.Data["release_id"])
	assert.Nil(t, res.CardData)
	assert.Contains(t, res.PrivateData[NoticeParam], "dingops", "an operator's problem: logged under a reference")

	rel, err := r.eng.Release(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, core.StatusPendingApproval, rel.Status)
	assert.Empty(t, rel.Approvals)
}

// TestAlreadyDecidedClick: a click on a decided card is answered, not
// re-applied.
func TestAlreadyDecidedClick(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)
	id := releaseID(c)
	e.say("cid-web", "carol", fmt.Sprintf("/reject %d not now", id))
	_, err := e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "rejected" })
	require.NoError(t, err, "a typed decision updates the card too")
	res := e.click(c.OutTrackID, "bob", "approve", int64(id))
	assert.Nil(t, res.CardData)
	assert.True(t, strings.Contains(res.PrivateData[NoticeParam], "carol"), res.PrivateData[NoticeParam])
	rel, err := r.eng.Release(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, core.StatusRejected, rel.Status)
	assert.Len(t, rel.Approvals, 1)
}
