package dingtalk_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

func setup(t *testing.T) (*dingtalkemu.Server, *dingtalk.Client) {
	t.Helper()
	emu := dingtalkemu.New(dingtalkemu.Options{})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	c, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	return emu, c
}

func TestCardsDeliveredAndUpdated(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	ctx := context.Background()
	require.NoError(t, c.CreateAndDeliverCard(ctx, dingtalk.Card{TemplateID: "tpl.schema", OutTrackID: "g1",
		ConversationID: "cidG==", AtUserIDs: map[string]string{"u2": "韩梅梅"},
		Data: map[string]string{"status": "pending", "title": "#1"}, PrivateData: map[string]map[string]string{"u2": {"canApprove": "true"}}}))
	require.NoError(t, c.CreateAndDeliverCard(ctx, dingtalk.Card{TemplateID: "tpl.schema", OutTrackID: "d1", UserID: "u2",
		Data: map[string]string{"status": "pending"}}))
	require.Error(t, c.CreateAndDeliverCard(ctx, dingtalk.Card{OutTrackID: "x"}), "a card needs a group or a user")

	require.NoError(t, c.UpdateCard(ctx, dingtalk.CardUpdate{OutTrackID: "g1", Data: map[string]string{"status": "approved"},
		PrivateData: map[string]map[string]string{"u2": {"note": "n"}}}))
	g, ok := emu.Card("g1")
	require.True(t, ok)
	assert.Equal(t, "IM_GROUP", g.SpaceType)
	assert.Equal(t, "STREAM", g.CallbackType)
	assert.Equal(t, map[string]string{"u2": "韩梅梅"}, g.AtUserIDs)
	assert.Equal(t, map[string]string{"status": "approved", "title": "#1"}, g.Data, "UpdateCard merges by key")
	assert.Equal(t, map[string]string{"canApprove": "true", "note": "n"}, g.PrivateData["u2"])
	d, _ := emu.Card("d1")
	assert.Equal(t, "IM_ROBOT", d.SpaceType)
	assert.Equal(t, "u2", d.SpaceID)
}

func TestErrorsCarryDingTalksAnswer(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	emu.InjectError(dingtalk.APICreateAndDeliver, 1, dingtalkemu.Fault{Status: 400, Code: "param.templateNotExist", Message: "模板不存在"})
	err := c.CreateAndDeliverCard(context.Background(), dingtalk.Card{TemplateID: "t", OutTrackID: "o", ConversationID: "cid"})
	var apiErr *dingtalk.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, dingtalk.APICreateAndDeliver, apiErr.API)
	assert.Equal(t, 400, apiErr.Status)
	assert.Equal(t, "param.templateNotExist", apiErr.Code)
	assert.Equal(t, "模板不存在", apiErr.Message)
	assert.NotEmpty(t, apiErr.RequestID)
	assert.Contains(t, err.Error(), "DingTalk card.CreateAndDeliver failed: 400 param.templateNotExist: 模板不存在")

	emu.FailDelivery("cidNoRobot", "机器人不在群内")
	err = c.CreateAndDeliverCard(context.Background(), dingtalk.Card{TemplateID: "t", OutTrackID: "o2", ConversationID: "cidNoRobot"})
	assert.True(t, dingtalk.HasCode(err, dingtalk.CodeDeliverFailed), "a 200 answer with a failed delivery is an error: %v", err)
	assert.ErrorContains(t, err, "机器人不在群内")
}

func TestTokenCachedAndRefreshedOnInvalidAuthentication(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	ctx := context.Background()
	for range 3 {
		_, err := c.SendGroupMessage(ctx, "cidG", dingtalk.Text("hello"))
		require.NoError(t, err)
	}
	assert.Equal(t, 1, emu.TokensIssued(), "one token for many calls")
	emu.RevokeTokens()
	_, err := c.SendGroupMessage(ctx, "cidG", dingtalk.Markdown("Window", "## open"))
	require.NoError(t, err, "a rejected token is refreshed and the call retried once")
	assert.Equal(t, 2, emu.TokensIssued())

	emu.InjectError(dingtalk.APIOrgGroupSend, 2, dingtalkemu.Fault{Status: 400, Code: "InvalidAuthentication", Message: "不合法的access_token"})
	_, err = c.SendGroupMessage(ctx, "cidG", dingtalk.Text("again"))
	assert.True(t, dingtalk.HasCode(err, dingtalk.CodeInvalidAuthentication), "only one retry: %v", err)
	msgs := emu.GroupMessages()
	require.Len(t, msgs, 4)
	assert.Equal(t, "sampleMarkdown", msgs[3].MsgKey)
	assert.Equal(t, "## open", msgs[3].Param["text"])
}

func TestSendDirect(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	res, err := c.SendDirect(context.Background(), []string{"u1", "u2"}, dingtalk.Text("please approve #12"))
	require.NoError(t, err)
	assert.NotEmpty(t, res.ProcessQueryKey)
	msgs := emu.DirectMessages()
	require.Len(t, msgs, 1)
	assert.Equal(t, []string{"u1", "u2"}, msgs[0].UserIDs)
	assert.Equal(t, "please approve #12", msgs[0].Param["content"])
}

func TestReplyBySessionSurfacesExpiry(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Group: true, SenderStaffID: "u1", Text: "/status"})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.ReplyBySession(ctx, dl.SessionWebhook, "### web\n- live v41"))
	replies := emu.Replies()
	require.Len(t, replies, 1)
	assert.Equal(t, "markdown", replies[0].MsgType)
	assert.Equal(t, "web", replies[0].Title)

	require.NoError(t, emu.ExpireSession(dl.SessionWebhook))
	err = c.ReplyBySession(ctx, dl.SessionWebhook, "late")
	require.Error(t, err, "errcode 300001 with HTTP 200 is an error")
	assert.True(t, dingtalk.IsSessionExpired(err))
	assert.False(t, dingtalk.IsSessionExpired(errors.New("other")))
}

func TestCallsHonourTheContext(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.SendGroupMessage(ctx, "cidG", dingtalk.Text("x"))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, emu.Requests(), "nothing is sent once ctx is done")

	_, err = c.AccessToken(context.Background())
	require.NoError(t, err)
	emu.HangNext(dingtalk.APIOrgGroupSend, 1)
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.SendGroupMessage(ctx, "cidG", dingtalk.Text("x"))
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a hanging call returns when ctx ends")
}

func TestMiniAppVersionCalls(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	ctx := context.Background()
	emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: "42", MiniAppID: "5000", Admins: []string{"union-1"}})
	var ids []int64
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
		id, err := emu.UploadMiniAppVersion("42", v)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	require.NoError(t, c.PublishMiniAppVersion(ctx, "42", ids[2], "union-1", true))
	require.NoError(t, c.RollbackMiniAppVersion(ctx, "42", ids[0], "union-1"))
	vs, err := c.MiniAppVersions(ctx, "42")
	require.NoError(t, err)
	var online dingtalk.MiniAppVersion
	for _, v := range vs {
		if v.Type == dingtalk.VersionOnline {
			online = v
		}
	}
	assert.Equal(t, ids[0], online.ID)
	assert.Equal(t, "1.0.0", online.Version)
	assert.Equal(t, "5000", online.MiniAppID)

	p1, err := c.MiniAppHistory(ctx, "42", 1, 2)
	require.NoError(t, err)
	assert.EqualValues(t, 3, p1.Total)
	require.Len(t, p1.Versions, 2)
	assert.Equal(t, ids[0], p1.Versions[0].ID, "the emulator answers the last changed first, not by upload")
	p2, err := c.MiniAppHistory(ctx, "42", 2, 2)
	require.NoError(t, err)
	require.Len(t, p2.Versions, 1)
	seen := []int64{p1.Versions[0].ID, p1.Versions[1].ID, p2.Versions[0].ID}
	assert.ElementsMatch(t, ids, seen, "every version once")

	err = c.PublishMiniAppVersion(ctx, "42", ids[2], "not-an-admin", false)
	assert.True(t, dingtalk.HasCode(err, "noAppManagePermission"), "%v", err)
}

func TestWrongSecretFailsWithDingTalksCode(t *testing.T) {
	t.Parallel()
	emu, _ := setup(t)
	cfg := emu.ClientConfig()
	cfg.ClientSecret = "wrong"
	c, err := dingtalk.New(cfg)
	require.NoError(t, err)
	_, err = c.SendGroupMessage(context.Background(), "cidG", dingtalk.Text("x"))
	assert.True(t, dingtalk.HasCode(err, "invalidClientIdOrSecret"), "%v", err)
	assert.ErrorContains(t, err, "oauth2.GetAccessToken")
	assert.NotContains(t, err.Error(), "wrong", "the secret never appears in errors")
}

func TestSDKLoggerWritesToSlog(t *testing.T) {
	var buf bytes.Buffer
	l := dingtalk.SDKLogger{L: slog.New(slog.NewTextHandler(&buf, nil))}
	l.Errorf("connect %s", "failed")
	l.Debugf("hidden")
	dingtalk.SDKLogger{}.Infof("no logger is fine")
	assert.Contains(t, buf.String(), "connect failed")
	assert.NotContains(t, buf.String(), "hidden")
}
