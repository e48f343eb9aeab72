package stream

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

// TestReconnect: the connection drops while a message's ack is still on
// its way (the gateway never sees it, and does not push the message again),
// and DingTalk later sends a SYSTEM disconnect; the transport reconnects
// each time and nothing is lost or done twice.
func TestReconnect(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	c := e.card(1)

	e.emu.DelayAcks(time.Second)
	dl, err := e.emu.SendText(dingtalkemu.BotMessage{ConversationID: "cid-ops", Group: true, SenderStaffID: "alice", Text: "/whoami"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := r.store.Inbox().Get(context.Background(), dl.MsgID)
		return err == nil
	}, wait, 5*time.Millisecond, "recorded, ack not yet seen by the gateway")
	e.emu.DropConnections()
	e.emu.DelayAcks(0)
	require.Eventually(t, func() bool { return r.tr.Reconnects() >= 1 && r.tr.Connected() }, wait, 5*time.Millisecond)
	_, err = dl.Wait(ctxT(t))
	require.ErrorIs(t, err, dingtalkemu.ErrNoAck, "the ack was lost with the connection")

	e.emu.Disconnect()
	require.Eventually(t, func() bool { return r.tr.Reconnects() >= 2 && r.tr.Connected() }, wait, 5*time.Millisecond)
	res := e.click(c.OutTrackID, "bob", "approve", c.Data["release_id"])
	require.NotNil(t, res.CardData)
	_, err = e.emu.WaitCard(wait, c.OutTrackID, func(c dingtalkemu.Card) bool { return c.Data["status"] == "succeeded" })
	require.NoError(t, err)
	r.handled(t)
	var whoami int
	for _, rep := range e.emu.Replies() {
		if rep.InReplyTo == dl.MsgID {
			whoami++
		}
	}
	assert.Equal(t, 1, whoami, "answered once, however often it was delivered")
	assert.Len(t, e.deps["web"].Deploys(), 1)
	assert.Len(t, e.emu.Cards(), 1)
}

// TestGatewayRefusesForAWhile: while the gateway refuses connections the
// transport reports itself disconnected and keeps trying.
func TestGatewayRefusesForAWhile(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	r := e.start("r1")
	e.emu.RefuseConnections(300 * time.Millisecond)
	e.emu.DropConnections()
	require.Eventually(t, func() bool { return !r.tr.Connected() }, wait, 5*time.Millisecond)
	require.Eventually(t, r.tr.Connected, wait, 5*time.Millisecond)
	e.say("cid-ops", "alice", "/whoami")
	_, err := e.emu.WaitReplies(wait, 1)
	require.NoError(t, err)
}

// TestMarkdownMode: without a card template the card is a markdown post
// with the /approve instructions, and the outcome one more post at the end
// (not one per step).
func TestMarkdownMode(t *testing.T) {
	t.Parallel()
	e := sqlite(t, markdownMode)
	r := e.start("r1")
	e.say("cid-web", "alice", "/rollback web v2 broken")
	posts, err := e.emu.WaitGroupMessages(wait, 1)
	require.NoError(t, err)
	hist, err := r.eng.History(context.Background(), "web", 1)
	require.NoError(t, err)
	id := hist[0].ID
	assert.Equal(t, "sampleMarkdown", posts[0].MsgKey)
	assert.Contains(t, posts[0].Param["text"], fmt.Sprintf("/approve %d", id))
	assert.Equal(t, "cid-web", posts[0].ConversationID)

	e.say("cid-web", "bob", fmt.Sprintf("/approve %d", id))
	posts, err = e.emu.WaitGroupMessages(wait, 2)
	require.NoError(t, err)
	assert.Contains(t, posts[1].Param["text"], "✅")
	r.handled(t)
	assert.Len(t, e.emu.GroupMessages(), 2, "one post for the request, one for the end")
	assert.Empty(t, e.emu.Cards())
	for _, req := range e.emu.Requests() {
		assert.NotEqual(t, dingtalk.APIUpdateCard, req.API)
	}
	dms, err := e.emu.WaitDirectMessages(wait, 2)
	require.NoError(t, err)
	var to [][]string // the approvers' notice and the outcome, in either order
	for _, dm := range dms {
		to = append(to, dm.UserIDs)
	}
	assert.ElementsMatch(t, [][]string{{"bob", "carol"}, {"alice"}}, to)
}
