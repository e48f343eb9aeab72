package dingtalkemu_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

func TestCardClickFrameTypes(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	ws := dialRaw(t, emu, `{"type":"CALLBACK","topic":"/v1.0/card/instances/callback"}`)
	createCard(t, emu, "c-types", "STREAM")
	go func() {
		_, _ = emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: "c-types", UserID: "u1", Params: map[string]any{"action": "approve"}})
	}()
	raw := readFrame(t, ws)
	var f struct{ Data string }
	require.NoError(t, json.Unmarshal(raw, &f))
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(f.Data), &data))
	assert.IsType(t, float64(0), data["userIdType"], "userIdType is a number")
	require.IsType(t, "", data["content"], "content is a JSON string")
	assert.JSONEq(t, `{"cardPrivateData":{"actionIds":["button_1"],"params":{"action":"approve"}}}`, data["content"].(string))
	assert.Equal(t, data["content"], data["value"])
}

func TestCardClickAnswersThatAreNotUpdates(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{CardCallbackTimeout: 200 * time.Millisecond})
	ws := dialRaw(t, emu, `{"type":"CALLBACK","topic":"/v1.0/card/instances/callback"}`)
	createCard(t, emu, "c-bad", "STREAM")
	createCard(t, emu, "c-http", "HTTP")
	answers := []string{
		`{"code":200,"headers":{"messageId":"MID"},"message":"","data":"not json"}`,
		`{"code":500,"headers":{"messageId":"MID"},"message":"handler failed","data":""}`,
		"", // no answer at all: the click times out
	}
	for _, a := range answers {
		done := make(chan error, 1)
		go func() {
			_, err := emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: "c-bad", UserID: "u1"})
			done <- err
		}()
		raw := readFrame(t, ws)
		if a != "" {
			ackFor(t, ws, raw, a)
		}
		require.Error(t, <-done)
	}
	c, _ := emu.Card("c-bad")
	assert.Len(t, c.History, 1, "nothing changed the card")
	_, err := emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: "c-http", UserID: "u1"})
	assert.ErrorContains(t, err, "not STREAM", "an HTTP-callback card never reaches the stream")
}

func TestClickWithoutConnectionTimesOut(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{CardCallbackTimeout: 50 * time.Millisecond})
	createCard(t, emu, "lonely", "STREAM")
	_, err := emu.ClickCard(ctxT(t), dingtalkemu.Click{OutTrackID: "lonely", UserID: "u1"})
	assert.ErrorIs(t, err, dingtalkemu.ErrNoAck, "no stream client: the click fails like DingTalk's client shows it")
}

// createCard creates a card through the raw OpenAPI.
func createCard(t *testing.T, emu *dingtalkemu.Server, id, callbackType string) {
	t.Helper()
	body := `{"cardTemplateId":"tpl.schema","outTrackId":"` + id + `","callbackType":"` + callbackType +
		`","openSpaceId":"dtv1.card//IM_GROUP.cidG","cardData":{"cardParamMap":{"status":"pending"}},` +
		`"imGroupOpenDeliverModel":{"robotCode":"` + dingtalkemu.DefaultClientID + `"}}`
	status, out := callAPI(t, emu, http.MethodPost, "/v1.0/card/instances/createAndDeliver", token(t, emu), body)
	require.Equal(t, http.StatusOK, status, "%v", out)
}
