package dingtalkemu_test

// The checklist of dingtalk.md §8 for the OpenAPI and session webhooks:
// malformed requests sent raw, answered as DingTalk answers them.

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

func TestTokenChecks(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	emu := start(t, dingtalkemu.Options{Clock: clock})
	for _, tok := range []string{"", "forged"} {
		status, out := callAPI(t, emu, http.MethodPut, "/v1.0/card/instances", tok, `{"outTrackId":"x"}`)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "InvalidAuthentication", out["code"], "lower-case keys, as DingTalk sends them")
		assert.NotEmpty(t, out["requestid"])
		assert.Equal(t, "不合法的access_token", out["message"])
	}
	tok := token(t, emu)
	assert.Equal(t, tok, token(t, emu), "a token is handed out again while valid")
	clock.Add(7201 * time.Second)
	status, out := callAPI(t, emu, http.MethodPut, "/v1.0/card/instances", tok, `{"outTrackId":"x"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "InvalidAuthentication", out["code"], "tokens expire after expireIn")
	assert.NotEqual(t, tok, token(t, emu))
}

func TestAccessTokenRequestForms(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	resp, err := http.Post(emu.URL()+"/v1.0/oauth2/accessToken", "application/x-www-form-urlencoded",
		strings.NewReader("appKey="+dingtalkemu.DefaultClientID))
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(raw), "body is mandatory", "a form body is refused")
	status, out := callAPI(t, emu, http.MethodPost, "/v1.0/oauth2/accessToken", "",
		`{"appKey":"`+dingtalkemu.DefaultClientID+`","appSecret":"nope"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalidClientIdOrSecret", out["code"])
}

func TestCreateAndDeliverValidation(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{Templates: []string{"tpl.schema"}})
	tok := token(t, emu)
	group := `"imGroupOpenDeliverModel":{"robotCode":"` + dingtalkemu.DefaultClientID + `"}`
	valid := `"cardTemplateId":"tpl.schema","outTrackId":"o1","callbackType":"STREAM","cardData":{"cardParamMap":{"a":"1"}}`
	cases := map[string]string{
		`{"outTrackId":"o1","openSpaceId":"dtv1.card//IM_GROUP.cid","cardData":{}, ` + group + `}`:            "param.cardTemplateIdEmpty",
		`{"cardTemplateId":"tpl.schema","openSpaceId":"dtv1.card//IM_GROUP.cid","cardData":{},` + group + `}`: "param.outTrackIdEmpty",
		`{` + valid + `,` + group + `}`:                                                                                          "param.openSpaceIdEmpty",
		`{` + valid + `,"openSpaceId":"IM_GROUP.cid",` + group + `}`:                                                             "param.openSpaceIdInvalid",
		`{` + valid + `,"openSpaceId":"dtv1.card//IM_GROUP.cid"}`:                                                                "param.openDeliverModelEmpty",
		`{` + valid + `,"openSpaceId":"dtv1.card//IM_ROBOT.user1",` + group + `}`:                                                "param.openDeliverModelEmpty",
		`{` + strings.Replace(valid, `tpl.schema`, `nope.schema`, 1) + `,"openSpaceId":"dtv1.card//IM_GROUP.cid",` + group + `}`: "param.templateNotExist",
		`{` + strings.Replace(valid, `"1"`, `1`, 1) + `,"openSpaceId":"dtv1.card//IM_GROUP.cid",` + group + `}`:                  "param.invalid",
		`{` + valid + `,"openSpaceId":"dtv1.card//IM_GROUP.cid","imGroupOpenDeliverModel":{"robotCode":"other"}}`:                "param.invalid",
		`{` + strings.Replace(valid, "STREAM", "stream", 1) + `,"openSpaceId":"dtv1.card//IM_GROUP.cid",` + group + `}`:          "param.invalid",
	}
	for body, code := range cases {
		status, out := callAPI(t, emu, http.MethodPost, "/v1.0/card/instances/createAndDeliver", tok, body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Equal(t, code, out["code"], body)
	}
	ok := `{` + valid + `,"openSpaceId":"dtv1.card//im_group.cid",` + group + `}`
	status, out := callAPI(t, emu, http.MethodPost, "/v1.0/card/instances/createAndDeliver", tok, ok)
	require.Equal(t, http.StatusOK, status, "%v", out)
	assert.Equal(t, true, out["success"])
	results := out["result"].(map[string]any)["deliverResults"].([]any)
	require.Len(t, results, 1)
	assert.Equal(t, map[string]any{"spaceType": "IM_GROUP", "spaceId": "cid", "success": true, "errorMsg": "",
		"carrierId": results[0].(map[string]any)["carrierId"]}, results[0])
	status, out = callAPI(t, emu, http.MethodPost, "/v1.0/card/instances/createAndDeliver", tok, ok)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "param.cardAlreadyExist", out["code"], "an outTrackId is used once")
}

func TestUpdateMergesOnlyByKey(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	tok := token(t, emu)
	createCard(t, emu, "u1", "STREAM")
	update := func(body string) {
		status, out := callAPI(t, emu, http.MethodPut, "/v1.0/card/instances", tok, body)
		require.Equal(t, http.StatusOK, status, "%v", out)
		assert.Equal(t, map[string]any{"success": true, "result": true}, out)
	}
	update(`{"outTrackId":"u1","cardData":{"cardParamMap":{"result":"ok"}},"cardUpdateOptions":{"updateCardDataByKey":true}}`)
	c, _ := emu.Card("u1")
	assert.Equal(t, map[string]string{"status": "pending", "result": "ok"}, c.Data)
	update(`{"outTrackId":"u1","cardData":{"cardParamMap":{"status":"done"}}}`)
	c, _ = emu.Card("u1")
	assert.Equal(t, map[string]string{"status": "done"}, c.Data, "without updateCardDataByKey the data is replaced")
	assert.Len(t, c.History, 3)
	status, out := callAPI(t, emu, http.MethodPut, "/v1.0/card/instances", tok, `{"outTrackId":"missing","cardData":{}}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "param.cardNotExist", out["code"])
}

func TestGroupSendChecksMsgParam(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	tok := token(t, emu)
	base := `"robotCode":"` + dingtalkemu.DefaultClientID + `","openConversationId":"cidG","msgKey":"sampleMarkdown"`
	for _, param := range []string{
		`{"title":"t","text":"x"}`, // an object, not a JSON string
		`"not json"`,               // a string that is not JSON
		`"{\"title\":\"t\"}"`,      // text missing
	} {
		status, out := callAPI(t, emu, http.MethodPost, "/v1.0/robot/groupMessages/send", tok, `{`+base+`,"msgParam":`+param+`}`)
		assert.Equal(t, http.StatusBadRequest, status, param)
		assert.Equal(t, "invalidParameter.msgParam", out["code"], param)
	}
	status, out := callAPI(t, emu, http.MethodPost, "/v1.0/robot/groupMessages/send", tok,
		`{`+base+`,"msgParam":"{\"title\":\"t\",\"text\":\"## x\"}"}`)
	require.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, out["processQueryKey"])
	msgs := emu.GroupMessages()
	require.Len(t, msgs, 1)
	assert.Equal(t, "## x", msgs[0].Param["text"])
}

func TestMiniAppErrors(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	tok := token(t, emu)
	emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: "100", MiniAppID: "5000", Admins: []string{"union-admin"}})
	emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: "200", H5: true, Admins: []string{"union-admin"}})
	v0, _ := emu.UploadMiniAppVersion("100", "0.9.0") // superseded: in the history only
	v1, _ := emu.UploadMiniAppVersion("100", "1.0.0")
	v2, _ := emu.UploadMiniAppVersion("100", "1.1.0")
	require.NoError(t, emu.SetOnlineMiniAppVersion("100", v1))
	post := func(agent, op, body string) (int, any) {
		status, out := callAPI(t, emu, http.MethodPost, "/v1.0/microApp/innerMiniApps/"+agent+"/versions/"+op, tok, body)
		return status, out["code"]
	}
	id := func(v int64) string { return `{"appVersionId":` + itoa(v) + `,"opUnionId":"union-admin"}` }
	for _, c := range []struct {
		agent, op, body, code string
	}{
		{"100", "publish", `{"appVersionId":` + itoa(v2) + `,"opUnionId":"someone"}`, "noAppManagePermission"},
		{"100", "publish", `{"appVersionId":999,"opUnionId":"union-admin"}`, "invalidMiniVersion"},
		{"100", "publish", `{"opUnionId":"union-admin"}`, "invalidParam"},
		{"100", "publish", id(v0), "invalidMiniVersion"}, // not in the version list: that is a rollback
		{"200", "publish", id(v2), "appTypeNotSupport"},
		{"300", "rollback", id(v2), "invalidAgentId"},
		{"100", "rollback", id(v2), "invalidMiniVersion"}, // in the version list: that is a publish
		{"100", "rollback", id(v1), "invalidMiniVersion"}, // already online
	} {
		status, code := post(c.agent, c.op, c.body)
		assert.Equal(t, http.StatusBadRequest, status, c)
		assert.Equal(t, c.code, code, c)
	}
	status, out := callAPI(t, emu, http.MethodGet, "/v1.0/microApp/innerMiniApps/100/historyVersions", tok, "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalidParam", out["code"], "pageNumber and pageSize are required")
	emu.InjectError(dingtalk.APIPublishMiniApp, 1, dingtalkemu.FaultSystemBusy)
	status, code := post("100", "publish", id(v2))
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, "systemBusy", code)
	status, _ = post("100", "publish", id(v2))
	assert.Equal(t, http.StatusOK, status, "the fault was for one call")
}

func TestSessionWebhookAnswers(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "hi"})
	require.NoError(t, err)
	post := func(body string) map[string]any {
		resp, err := http.Post(dl.SessionWebhook, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "webhook errors come with HTTP 200")
		out := map[string]any{}
		raw, _ := io.ReadAll(resp.Body)
		require.NoError(t, jsonUnmarshal(raw, &out))
		return out
	}
	assert.EqualValues(t, 0, post(`{"msgtype":"markdown","markdown":{"title":"t","text":"## ok"}}`)["errcode"])
	assert.EqualValues(t, 40035, post(`not json`)["errcode"])
	assert.EqualValues(t, 40035, post(`{"msgtype":"markdown","markdown":{"text":"no title"}}`)["errcode"])
	assert.EqualValues(t, 40008, post(`{"msgtype":"voice"}`)["errcode"])
	require.NoError(t, emu.ExpireSession(dl.SessionWebhook))
	out := post(`{"msgtype":"text","text":{"content":"late"}}`)
	assert.EqualValues(t, 300001, out["errcode"])
	assert.Equal(t, "session 不存在", out["errmsg"])
	assert.Len(t, emu.Replies(), 5, "refused calls are recorded too")
}
