package dingtalkemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

func TestForcedRedeliveryAndSlowAcks(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{AckTimeout: 100 * time.Millisecond})
	var mu sync.Mutex
	var ids []string
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(_ context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
			mu.Lock()
			ids = append(ids, m.MsgId)
			mu.Unlock()
			return nil, nil
		})
	})
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "once"})
	require.NoError(t, err)
	_, err = dl.Wait(ctxT(t))
	require.NoError(t, err)
	again, err := emu.Redeliver(dl.MsgID)
	require.NoError(t, err)
	_, err = again.Wait(ctxT(t))
	require.NoError(t, err)
	_, err = emu.Redeliver("unknown")
	assert.Error(t, err)

	emu.DelayAcks(300 * time.Millisecond) // beyond the 100 ms deadline
	slow, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "slow"})
	require.NoError(t, err)
	_, err = slow.Wait(ctxT(t))
	require.ErrorIs(t, err, dingtalkemu.ErrNoAck, "an ack seen late does not count")
	emu.DelayAcks(0)
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.DataAcks()) == 3 }), "the late ack is recorded")
	n := 0
	for _, f := range emu.Frames() {
		if f.MsgID == slow.MsgID {
			n++
		}
	}
	assert.Equal(t, 1, n, "and the message is not pushed again")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{dl.MsgID, dl.MsgID}, ids[:2], "a forced redelivery carries the same msgId")
}

func TestSubscribeSeesChanges(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	events, stop := emu.Subscribe()
	createCard(t, emu, "sub-1", "STREAM")
	kinds := map[dingtalkemu.EventKind]bool{}
	timeout := time.After(wait)
	for !kinds[dingtalkemu.EventCard] {
		select {
		case ev := <-events:
			kinds[ev.Kind] = true
		case <-timeout:
			t.Fatal("no card event")
		}
	}
	assert.True(t, kinds[dingtalkemu.EventRequest])
	stop()
	_, open := <-events
	for open {
		_, open = <-events
	}
	stop() // twice is harmless
}

func TestSessionExpiresWithTheClock(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	emu := start(t, dingtalkemu.Options{Clock: clock})
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "hi"})
	require.NoError(t, err)
	clock.Add(90*time.Minute + time.Second)
	resp, err := http.Post(dl.SessionWebhook, "application/json", strings.NewReader(`{"msgtype":"text","text":{"content":"late"}}`))
	require.NoError(t, err)
	resp.Body.Close()
	replies := emu.Replies()
	require.Len(t, replies, 1)
	assert.Equal(t, 300001, replies[0].ErrCode, "a session lives 90 minutes")
	msgs := emu.BotMessages()
	require.Len(t, msgs, 1)
	assert.Equal(t, clock.Now().Add(-time.Second), msgs[0].SessionExpires)
}

func TestSnapshotEncodesAsJSON(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: "1", Admins: []string{"a"}})
	_, err := emu.UploadMiniAppVersion("1", "0.1.0")
	require.NoError(t, err)
	createCard(t, emu, "snap", "STREAM")
	raw, err := json.Marshal(emu.Snapshot())
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"OutTrackID":"snap"`)
	assert.Contains(t, string(raw), `"Version":"0.1.0"`)
}
