package dingtalkemu_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

// TestCardParamLimits: keys up to 100 B and values up to 1 KB (bytes of
// UTF-8) are taken; one byte more is HTTP 400 param.invalid, on create,
// update and private data alike, and changes nothing.
func TestCardParamLimits(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	tok := token(t, emu)
	group := `"imGroupOpenDeliverModel":{"robotCode":"` + dingtalkemu.DefaultClientID + `"}`
	create := func(id, params, private string) (int, map[string]any) {
		body := `{"cardTemplateId":"tpl.schema","outTrackId":"` + id + `","callbackType":"STREAM",` +
			`"openSpaceId":"dtv1.card//IM_GROUP.cidG","cardData":{"cardParamMap":` + params + `},` + group
		if private != "" {
			body += `,"privateData":` + private
		}
		return callAPI(t, emu, http.MethodPost, "/v1.0/card/instances/createAndDeliver", tok, body+"}")
	}
	ok := []string{
		param(strings.Repeat("k", 100), "v"),
		param("body", strings.Repeat("a", 1024)),
		param("body", strings.Repeat("长", 341)), // 1023 bytes
	}
	for i, p := range ok {
		status, out := create("ok-"+itoa(int64(i)), p, "")
		assert.Equal(t, http.StatusOK, status, "%v", out)
	}
	bad := map[string][2]string{
		"key 101 B":         {param(strings.Repeat("k", 101), "v"), ""},
		"value 1025 B":      {param("body", strings.Repeat("a", 1025)), ""},
		"value 342 runes":   {param("body", strings.Repeat("长", 342)), ""}, // 1026 bytes
		"private value":     {param("a", "b"), `{"u1":{"cardParamMap":` + param("notice", strings.Repeat("a", 1025)) + `}}`},
		"private user 101B": {param("a", "b"), `{"` + strings.Repeat("u", 101) + `":{"cardParamMap":{"notice":""}}}`},
	}
	for name, b := range bad {
		status, out := create("bad", b[0], b[1])
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Equal(t, "param.invalid", out["code"], name)
	}
	_, found := emu.Card("bad")
	assert.False(t, found, "a refused card is not created")

	status, out := callAPI(t, emu, http.MethodPut, "/v1.0/card/instances", tok,
		`{"outTrackId":"ok-0","cardData":{"cardParamMap":`+param("body", strings.Repeat("a", 1025))+`},"cardUpdateOptions":{"updateCardDataByKey":true}}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "param.invalid", out["code"])
	c, _ := emu.Card("ok-0")
	assert.Len(t, c.History, 1, "a refused update changes nothing")
}

// TestClickAnswerOverLimit: an answer whose card data breaks the limits
// fails the click and leaves the card as it was.
func TestClickAnswerOverLimit(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	ws := dialRaw(t, emu, `{"type":"CALLBACK","topic":"/v1.0/card/instances/callback"}`)
	createCard(t, emu, "c-big", "STREAM")
	for _, answer := range []map[string]any{
		{"cardData": map[string]any{"cardParamMap": map[string]string{"body": strings.Repeat("a", 1025)}}},
		{"userPrivateData": map[string]any{"cardParamMap": map[string]string{"notice": strings.Repeat("长", 342)}}},
	} {
		data, err := json.Marshal(map[string]any{"response": answer})
		require.NoError(t, err)
		ack, err := json.Marshal(map[string]any{"code": 200, "headers": map[string]string{"messageId": "MID"}, "data": string(data)})
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() {
			_, err := emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: "c-big", UserID: "u1", Params: map[string]any{"action": "approve"}})
			done <- err
		}()
		ackFor(t, ws, readFrame(t, ws), string(ack))
		assert.ErrorContains(t, <-done, "limits")
	}
	c, _ := emu.Card("c-big")
	assert.Len(t, c.History, 1, "nothing changed the card")
}

func param(k, v string) string {
	b, _ := json.Marshal(map[string]string{k: v})
	return string(b)
}
