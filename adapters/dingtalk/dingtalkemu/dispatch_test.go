package dingtalkemu_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

// TestDuplicatesOptIn: with Duplicates, every n-th message is pushed a
// second time with the same msgId on a new frame, so a client's dedupe is
// exercised; the others are pushed once.
func TestDuplicatesOptIn(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{Duplicates: 2})
	var mu sync.Mutex
	seen := map[string]int{}
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(_ context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
			mu.Lock()
			seen[m.MsgId]++
			mu.Unlock()
			return nil, nil
		})
	})
	var ids []string
	for range 4 {
		dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "x"})
		require.NoError(t, err)
		ids = append(ids, dl.MsgID)
	}
	_, err := emu.WaitAcks(wait, 6)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{1, 2, 1, 2}, []int{seen[ids[0]], seen[ids[1]], seen[ids[2]], seen[ids[3]]})
	for _, f := range emu.Frames() {
		if f.MsgID == ids[1] && f.Attempt == 2 {
			return
		}
	}
	t.Fatal("the duplicate is a second frame (Attempt 2)")
}

// TestPushGoesToARandomConnection: a connection that never acks still gets
// its random share of the pushes (they expire there and are not moved), so
// a client cannot count on a healthy replica picking them up.
func TestPushGoesToARandomConnection(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{AckTimeout: 50 * time.Millisecond, Window: 64})
	silent := dialRaw(t, emu, botSub) // reads nothing back: never acks
	_ = silent
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) { return nil, nil })
	})
	require.NoError(t, emu.WaitLive(wait, 2))
	const n = 40
	for range n {
		_, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "x"})
		require.NoError(t, err)
	}
	silentID := emu.Connections()[0].ID
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.Frames()) == n && emu.Queued() == 0 }))
	require.NoError(t, emu.WaitFor(wait, func() bool {
		for _, f := range emu.Frames() {
			if !f.Acked && !f.Expired {
				return false
			}
		}
		return true
	}))
	lost := 0
	for _, f := range emu.Frames() {
		if f.ConnID == silentID {
			lost++
			assert.True(t, f.Expired)
		}
	}
	assert.Positive(t, lost, "some pushes went to the silent connection")
	assert.Less(t, lost, n, "and some to the healthy one")
	assert.Len(t, emu.Frames(), n, "none was pushed again elsewhere")
}
