package dingtalkemu_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/card"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

func TestMessageInHandlerAckAndReply(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	got := make(chan *chatbot.BotCallbackDataModel, 2)
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(ctx context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
			got <- m
			return []byte(`{"ok":true}`), chatbot.NewChatbotReplier().SimpleReplyText(ctx, m.SessionWebhook, []byte("收到"))
		})
	})
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidGROUP==", Group: true, ConversationTitle: "ops",
		SenderStaffID: "user1", SenderNick: "李雷", Text: "/status web"})
	require.NoError(t, err)
	ack, err := dl.Wait(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, 200, ack.Code)
	assert.Equal(t, `{"ok":true}`, ack.Data)
	assert.Equal(t, dl.MsgID, ack.MsgID)

	m := <-got
	assert.Equal(t, " /status web", m.Text.Content, "the leading space DingTalk leaves after cutting the @name")
	assert.Equal(t, "2", m.ConversationType)
	assert.Equal(t, "cidGROUP==", m.ConversationId)
	assert.Equal(t, "user1", m.SenderStaffId)
	assert.Equal(t, dingtalkemu.DefaultClientID, m.RobotCode)
	assert.True(t, m.IsInAtList)
	assert.Equal(t, dl.MsgID, m.MsgId)
	assert.True(t, strings.HasPrefix(m.SessionWebhook, emu.URL()+"/robot/sendBySession?session="))
	assert.Equal(t, m.CreateAt+int64(90*time.Minute/time.Millisecond), m.SessionWebhookExpiredTime)

	replies, err := emu.WaitReplies(wait, 1)
	require.NoError(t, err)
	assert.Equal(t, "收到", replies[0].Text)
	assert.Equal(t, dl.MsgID, replies[0].InReplyTo)
	assert.Zero(t, replies[0].ErrCode)
}

func TestOneToOneMessageHasNoMention(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	got := make(chan *chatbot.BotCallbackDataModel, 1)
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(_ context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
			got <- m
			return nil, nil
		})
	})
	_, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidONE", Text: "/whoami"})
	require.NoError(t, err)
	m := <-got
	assert.Equal(t, "/whoami", m.Text.Content)
	assert.Equal(t, "1", m.ConversationType)
	assert.Empty(t, m.SenderStaffId, "an external sender has no staff id")
	assert.False(t, m.IsInAtList)
}

func TestCardClickRoundTrip(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	clicks := make(chan *card.CardRequest, 1)
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterCardCallbackRouter(func(_ context.Context, req *card.CardRequest) (*card.CardResponse, error) {
			clicks <- req
			return &card.CardResponse{
				CardUpdateOptions: &card.CardUpdateOptions{UpdateCardDataByKey: true, UpdatePrivateDataByKey: true},
				CardData:          &card.CardDataDto{CardParamMap: map[string]string{"status": "approved"}},
				UserPrivateData:   &card.CardDataDto{CardParamMap: map[string]string{"note": "you approved"}},
			}, nil
		})
	})
	api := apiClient(t, emu)
	require.NoError(t, api.CreateAndDeliverCard(ctxT(t), dingtalk.Card{TemplateID: "tpl.schema", OutTrackID: "inst-12",
		ConversationID: "cidGROUP==", AtUserIDs: map[string]string{"user2": "韩梅梅"},
		Data: map[string]string{"status": "pending", "title": "#12 · web v57"}}))

	res, err := emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: "inst-12", UserID: "user2",
		Params: map[string]any{"action": "approve", "id": "12"}})
	require.NoError(t, err)
	assert.Equal(t, 200, res.Code)
	assert.Equal(t, map[string]string{"status": "approved"}, res.CardData)

	req := <-clicks
	assert.Equal(t, "approve", req.GetActionString("action"))
	assert.Equal(t, "inst-12", req.OutTrackId)
	assert.Equal(t, "user2", req.UserId)
	assert.Equal(t, 1, req.UserIdType)
	assert.Equal(t, "cidGROUP==", req.SpaceId)

	c, ok := emu.Card("inst-12")
	require.True(t, ok)
	assert.Equal(t, map[string]string{"status": "approved", "title": "#12 · web v57"}, c.Data, "merged by key")
	assert.Equal(t, map[string]string{"note": "you approved"}, c.PrivateData["user2"])
	require.Len(t, c.History, 2)
	assert.Equal(t, "callback", c.History[1].Source)
}

// TestLateAckIsNotRedelivered: a handler that acks after the deadline
// leaves its frame expired, and DingTalk does not push a bot message again
// (developerpedia protocol.md: "机器人消息当前是fire-forgot模式").
func TestLateAckIsNotRedelivered(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{AckTimeout: 100 * time.Millisecond})
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(_ context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
			time.Sleep(300 * time.Millisecond) // a handler that does its work before returning
			return nil, nil
		})
	})
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Group: true, SenderStaffID: "u", Text: "/status"})
	require.NoError(t, err)
	_, err = dl.Wait(ctxT(t))
	require.ErrorIs(t, err, dingtalkemu.ErrNoAck)
	acks, err := emu.WaitAcks(wait, 1)
	require.NoError(t, err)
	assert.True(t, acks[0].Late, "the ack came after the deadline")
	frames := emu.Frames()
	require.Len(t, frames, 1, "pushed once, never again")
	assert.True(t, frames[0].Expired)
}

func TestDisconnectThenSDKReconnects(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{DisconnectGrace: time.Second})
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) { return nil, nil })
	}, client.WithAutoReconnect(true))
	require.NoError(t, emu.WaitLive(wait, 1))
	emu.Disconnect()
	require.NoError(t, emu.WaitFor(wait, func() bool {
		return len(emu.Connections()) >= 2 && len(emu.LiveConnections()) == 1
	}), "the SDK opens a new connection after a SYSTEM disconnect")
	assert.NotEmpty(t, emu.Connections()[0].ClosedAt)
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "after"})
	require.NoError(t, err)
	ack, err := dl.Wait(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, emu.LiveConnections()[0].ID, ack.ConnID)
	assert.Empty(t, emu.Problems())
}

func TestDroppedConnectionReconnectsAndGetsQueuedMessage(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) { return nil, nil })
	}, client.WithAutoReconnect(true))
	require.NoError(t, emu.WaitLive(wait, 1))
	emu.DropConnections()
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.LiveConnections()) == 0 }))
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "while away"})
	require.NoError(t, err)
	ack, err := dl.Wait(ctxT(t))
	require.NoError(t, err, "queued until the SDK came back")
	assert.Equal(t, 200, ack.Code)
	assert.Len(t, emu.Connections(), 2)
}

// TestBurstPastTheSDKHandlerLimitIsNotRedelivered: frames past the SDK's
// handler limit are left unacked by the SDK, and nothing pushes them again:
// each message gets exactly one frame, acked or expired.
func TestBurstPastTheSDKHandlerLimitIsNotRedelivered(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{Window: 64, AckTimeout: 100 * time.Millisecond})
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) {
			time.Sleep(2 * time.Millisecond)
			return nil, nil
		})
	}, client.WithMaxPendingHandlers(4))
	const n = 200
	for i := range n {
		_, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "m" + string(rune('a'+i%26))})
		require.NoError(t, err)
	}
	settled := func() int {
		k := 0
		for _, f := range emu.Frames() {
			if f.Acked || f.Expired {
				k++
			}
		}
		return k
	}
	require.NoError(t, emu.WaitFor(wait, func() bool { return settled() == n }))
	per := map[string]int{}
	for _, f := range emu.Frames() {
		per[f.MsgID]++
		assert.Equal(t, 1, f.Attempt)
	}
	assert.Len(t, per, n)
	t.Logf("%d of %d frames acked; the rest were dropped by the SDK and are lost", len(emu.DataAcks()), n)
}

func TestPushesSpreadAcrossConnections(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	for range 2 {
		stream(t, emu, func(cli *client.StreamClient) {
			cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) {
				time.Sleep(5 * time.Millisecond)
				return nil, nil
			})
		})
	}
	require.NoError(t, emu.WaitLive(wait, 2))
	for range 20 {
		_, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "x"})
		require.NoError(t, err)
	}
	acks, err := emu.WaitAcks(wait, 20)
	require.NoError(t, err)
	per := map[string]int{}
	for _, a := range acks {
		per[a.ConnID]++
	}
	assert.Len(t, per, 2, "both connections carried pushes: %v", per)
}

func TestPingIsEchoed(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	stream(t, emu, func(cli *client.StreamClient) {
		cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) { return nil, nil })
	})
	emu.Ping()
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.Acks()) == 1 }))
	a := emu.Acks()[0]
	assert.Equal(t, "SYSTEM", a.Type)
	assert.Equal(t, "ping", a.Topic)
	assert.Equal(t, "ok", a.Message)
	assert.Contains(t, a.Data, "opaque")
	assert.Empty(t, emu.Problems())
}

func TestOpenRefusedAndBadCredentials(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	emu.RefuseConnections(time.Hour)
	cli := client.NewStreamClient(client.WithAppCredential(client.NewAppCredentialConfig(dingtalkemu.DefaultClientID,
		dingtalkemu.DefaultClientSecret)), client.WithOpenApiHost(emu.URL()), client.WithAutoReconnect(false))
	cli.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) { return nil, nil })
	err := cli.Start(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ServiceUnavailable")

	emu.RefuseConnections(0)

	bad := client.NewStreamClient(client.WithAppCredential(client.NewAppCredentialConfig(dingtalkemu.DefaultClientID, "wrong")),
		client.WithOpenApiHost(emu.URL()), client.WithAutoReconnect(false))
	bad.RegisterChatBotCallbackRouter(func(context.Context, *chatbot.BotCallbackDataModel) ([]byte, error) { return nil, nil })
	err = bad.Start(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"code":"InvalidAuthentication"`, "the SDK surfaces the raw JSON body")
}
