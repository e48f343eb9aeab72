package stream

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/store/storetest"
)

// TestRollbackButton: a finished rollback's card offers Roll back to the
// previous good release; an outsider's click is refused privately and
// changes nothing; an approver's click files the same request /rollback
// web would, as the clicker, pending approval (no one_click), the approval
// card goes to the chat and the clicked card loses its button; a second
// click is refused because a request is active.
func TestRollbackButton(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		r := e.start("r1")
		e.say("cid-web", "alice", "/rollback web v2 首页白屏")
		c := e.card(1)
		id := releaseID(c)
		assert.Equal(t, "hide", c.Data["rollback_button"], "no Roll back while the request is pending")
		e.click(c.OutTrackID, "bob", "approve", fmt.Sprint(int64(id)))
		done, err := e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
		require.NoError(t, err)
		r.handled(t)
		assert.Equal(t, "show", done.Data["rollback_button"], "a finished card offers Roll back")
		assert.Equal(t, "回滚到 v1", done.Data["rollback_text"], "to the good release before what is live")
		assert.Contains(t, done.Data["body"], "/rollback web")

		res := e.rollbackClick(done, "dave")
		assert.Nil(t, res.CardData, "an outsider's click leaves the public card alone")
		assert.Contains(t, res.PrivateData[NoticeParam], "dave", "the refusal goes to the clicker")
		assert.Len(t, e.emu.Cards(), 1, "nothing is filed")

		res = e.rollbackClick(done, "carol")
		require.NotNil(t, res.CardData, "filed: the clicked card is answered")
		assert.Equal(t, "hide", res.CardData["rollback_button"], "a request is active now")
		assert.Contains(t, res.PrivateData[NoticeParam], "已提交")
		filed := e.card(2)
		assert.Equal(t, "pending_approval", filed.Data["status"], "the policy's approval applies")
		assert.Equal(t, "rollback", filed.Data["kind"])
		assert.Equal(t, "carol", filed.Data["requester"], "filed as the clicker")
		assert.Contains(t, filed.Data["target"], "v1")
		assert.Equal(t, map[string]string{"bob": "bob"}, filed.AtUserIDs, "the other approver is asked")

		res = e.rollbackClick(done, "alice")
		assert.Nil(t, res.CardData)
		assert.Contains(t, res.PrivateData[NoticeParam], fmt.Sprintf("#%d", releaseID(filed)), "refused: a request is active")
		r.handled(t)
		assert.Len(t, e.emu.Cards(), 2, "nothing more is filed")
	})
}

// TestRollbackHintInMarkdown: without a card template, the finished card
// names the command to type instead of a button.
func TestRollbackHintInMarkdown(t *testing.T) {
	t.Parallel()
	e := sqlite(t, markdownMode)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 首页白屏")
	_, err := e.emu.WaitGroupMessages(wait, 1)
	require.NoError(t, err)
	assert.NotContains(t, e.emu.GroupMessages()[0].Param["text"], "如需回滚", "not while pending")
	hist, err := r.eng.History(context.Background(), "web", 1)
	require.NoError(t, err)
	e.say("cid-web", "bob", fmt.Sprintf("/approve %d", hist[0].ID))
	posts, err := e.emu.WaitGroupMessages(wait, 2)
	require.NoError(t, err)
	assert.Contains(t, posts[1].Param["text"], "如需回滚到 v1：发送 /rollback web")
	r.handled(t)
}

// rollbackClick presses the Roll back button of a release card as the
// shipped template sends it: action, the card's release id, an empty
// suggestion id.
func (e *env) rollbackClick(c dingtalkemu.Card, who string) dingtalkemu.ClickResult {
	e.t.Helper()
	res, err := e.emu.ClickCard(ctxT(e.t), dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: who,
		Params: map[string]any{"action": "rollback", "release_id": c.Data["release_id"], "suggestion_id": c.Data["suggestion_id"]}})
	require.NoError(e.t, err)
	return res
}
