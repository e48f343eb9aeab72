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
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

func TestConvertBotMessage(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	base := `"msgId":"m1","conversationId":"cid-web","senderStaffId":"alice","senderNick":"Alice","senderId":"$:u",` +
		`"chatbotUserId":"$:bot","createAt":1795000000000,"sessionWebhook":"http://x/s","sessionWebhookExpiredTime":1795005400000`
	cases := []struct {
		name, data, text, skip string
		group                  bool
	}{
		{"group mention", `{` + base + `,"conversationType":"2","isInAtList":true,"msgtype":"text","text":{"content":" /status web"}}`,
			"/status web", "", true},
		{"1:1", `{` + base + `,"conversationType":"1","msgtype":"text","text":{"content":"/whoami"}}`, "/whoami", "", false},
		{"group without mention", `{` + base + `,"conversationType":"2","isInAtList":false,"msgtype":"text","text":{"content":"hi"}}`,
			"hi", "a group message that does not mention the robot", true},
		{"own message", `{"msgId":"m1","conversationId":"c","senderId":"$:bot","chatbotUserId":"$:bot","conversationType":"1"}`,
			"", "the robot's own message", false},
		{"rich text", `{` + base + `,"conversationType":"2","isInAtList":true,"msgtype":"richText",` +
			`"content":{"richText":[{"text":"@dingops"},{"text":"/rollback web v2"}]}}`, "@dingops /rollback web v2", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, skip, err := convertBotMessage([]byte(tc.data), now)
			require.NoError(t, err)
			assert.Equal(t, tc.skip, skip)
			assert.Equal(t, tc.text, in.Message.Text)
			assert.Equal(t, tc.group, in.Message.Group)
			assert.Equal(t, core.OriginText, in.Message.Origin)
		})
	}
	in, _, err := convertBotMessage([]byte(`{`+base+`,"conversationType":"1","text":{"content":"x"}}`), now)
	require.NoError(t, err)
	assert.Equal(t, "alice", in.Message.StaffID)
	assert.Equal(t, "cid-web", in.Message.ChatID)
	assert.Equal(t, time.UnixMilli(1795000000000).UTC(), in.Message.At)
	assert.Equal(t, time.UnixMilli(1795005400000).UTC(), in.WebhookExpires)
	_, _, err = convertBotMessage([]byte(`{"conversationId":"c"}`), now)
	assert.Error(t, err, "a message without msgId cannot be deduplicated")
	_, _, err = convertBotMessage([]byte(`{"createAt":"soon"}`), now)
	assert.Error(t, err)
}

// TestWhoami answers with the ids an operator needs, in a group and 1:1.
func TestWhoami(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	e.start("r1")
	e.say("cid-ops", "alice", "/whoami")
	e.say("u-alice", "alice", "/我是谁")
	replies, err := e.emu.WaitReplies(wait, 2)
	require.NoError(t, err)
	byChat := map[string]dingtalkemu.Reply{replies[0].ConversationID: replies[0], replies[1].ConversationID: replies[1]}
	assert.Contains(t, byChat["cid-ops"].Text, "cid-ops")
	assert.Contains(t, byChat["cid-ops"].Text, "alice")
	assert.Contains(t, byChat["u-alice"].Text, "alice")
	assert.NotContains(t, byChat["u-alice"].Text, "u-alice", "a 1:1 chat has no group id to configure")
	for _, r := range replies {
		assert.Zero(t, r.ErrCode)
	}
}

// TestExternalSender: a sender without a staff id is refused with the
// catalogue's reply.
func TestExternalSender(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	e.start("r1")
	e.say("cid-web", "", "/rollback web v2")
	replies, err := e.emu.WaitReplies(wait, 1)
	require.NoError(t, err)
	assert.Contains(t, replies[0].Text, "员工 ID")
	assert.Empty(t, e.emu.Cards())
}

// TestSessionExpired: when the session webhook answers 300001 the reply
// goes by the robot API, to the group or 1:1.
func TestSessionExpired(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	e.start("r1")
	e.emu.InjectError(dingtalk.APISessionReply, 2, dingtalkemu.Fault{Code: dingtalk.CodeSessionExpired, Message: "session 不存在"})
	e.say("cid-ops", "alice", "/whoami")
	group, err := e.emu.WaitGroupMessages(wait, 1)
	require.NoError(t, err)
	assert.Equal(t, "cid-ops", group[0].ConversationID)
	assert.Contains(t, group[0].Param["text"], "cid-ops")
	e.say("u-alice", "alice", "/whoami")
	direct, err := e.emu.WaitDirectMessages(wait, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"alice"}, direct[0].UserIDs)
	replies := e.emu.Replies()
	require.Len(t, replies, 2)
	for _, r := range replies {
		assert.Equal(t, 300001, r.ErrCode, "the webhook was tried first")
	}
}

// TestSessionAboutToExpire: a webhook that is (nearly) expired is not
// tried at all.
func TestSessionAboutToExpire(t *testing.T) {
	t.Parallel()
	e := sqlite(t, func(o *dingtalkemu.Options, _ *env) { o.SessionTTL = 30 * time.Second })
	e.start("r1")
	e.say("cid-ops", "alice", "/whoami")
	_, err := e.emu.WaitGroupMessages(wait, 1)
	require.NoError(t, err)
	assert.Empty(t, e.emu.Replies())
}

// TestCrashBetweenRecordAndHandle: a message recorded by a process that
// died before handling it is handled once by the next one to start.
func TestCrashBetweenRecordAndHandle(t *testing.T) {
	t.Parallel()
	e := sqlite(t)
	crashed := make(chan string, 1)
	r1 := e.start("r1", func(c *Config) { c.afterRecord = func(id string) bool { crashed <- id; return false } })
	e.say("cid-ops", "alice", "/whoami")
	id := <-crashed
	r1.stop()
	rec, err := r1.store.Inbox().Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, store.InboxPending, rec.State, "recorded, not handled")
	assert.Empty(t, e.emu.Replies())

	r2 := e.start("r2")
	replies, err := e.emu.WaitReplies(wait, 1)
	require.NoError(t, err)
	assert.Equal(t, id, replies[0].InReplyTo)
	r2.handled(t)
	assert.Len(t, e.emu.Replies(), 1, "handled once")
	rec, err = r2.store.Inbox().Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, store.InboxDone, rec.State)
}

// TestBurst: 200 messages from many chats at once, every seventh pushed
// twice (the occasional duplicate): every message is answered exactly once.
// DingTalk pushes a message once, so nothing may rely on a second push:
// the SDK's handler limit stays well above what a burst needs.
func TestBurst(t *testing.T) {
	t.Parallel()
	e := sqlite(t, func(o *dingtalkemu.Options, _ *env) { o.Window, o.Duplicates = 32, 7 })
	r := e.start("r1", func(c *Config) { c.Handlers = 8 })
	var dls []*dingtalkemu.Delivery
	for i := range 200 {
		chat, who, text := fmt.Sprintf("cid-g%d", i%10), fmt.Sprintf("user%d", i%7), "/whoami"
		if i%2 == 1 {
			chat, text = fmt.Sprintf("u-%d", i%10), "/status"
		}
		dl, err := e.emu.SendText(dingtalkemu.BotMessage{ConversationID: chat, Group: chat[:2] != "u-", SenderStaffID: who, Text: text})
		require.NoError(t, err)
		dls = append(dls, dl)
	}
	for _, dl := range dls {
		_, err := dl.Wait(ctxT(t))
		require.NoError(t, err)
	}
	_, err := e.emu.WaitReplies(wait, 200)
	require.NoError(t, err)
	r.handled(t)
	answers := map[string]int{}
	for _, rep := range e.emu.Replies() {
		assert.Zero(t, rep.ErrCode)
		answers[rep.InReplyTo]++
	}
	assert.Len(t, answers, 200)
	for _, dl := range dls {
		assert.Equal(t, 1, answers[dl.MsgID], "message %s", dl.MsgID)
	}
	duplicates := 0
	for _, f := range e.emu.Frames() {
		if f.Attempt > 1 {
			duplicates++
		}
	}
	assert.Positive(t, duplicates, "some messages were pushed twice")
}
