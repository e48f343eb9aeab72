package dingtalkemu_test

// The checklist of dingtalk.md §8 for the stream gateway: each malformed
// form is sent raw and must be rejected or dropped as DingTalk would.

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
)

var botSub = `{"type":"CALLBACK","topic":"/v1.0/im/bot/messages/get"}`

func postOpen(t *testing.T, emu *dingtalkemu.Server, body string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Post(emu.URL()+"/v1.0/gateway/connections/open", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	out := map[string]string{}
	raw, _ := io.ReadAll(resp.Body)
	require.NoError(t, json.Unmarshal(raw, &out), "every answer is JSON: %s", raw)
	return resp.StatusCode, out
}

func openBody(secret, subs string) string {
	return `{"clientId":"` + dingtalkemu.DefaultClientID + `","clientSecret":"` + secret + `","subscriptions":[` + subs +
		`],"ua":"raw-test","localIp":"","extras":null}`
}

// dialRaw opens a connection like the SDK does and returns the raw socket.
func dialRaw(t *testing.T, emu *dingtalkemu.Server, subs string) *websocket.Conn {
	t.Helper()
	before := len(emu.Connections())
	status, out := postOpen(t, emu, openBody(dingtalkemu.DefaultClientSecret, subs))
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, out["endpoint"], "?", "the SDK appends ?ticket= itself")
	ws, _, err := websocket.DefaultDialer.Dial(out["endpoint"]+"?ticket="+out["ticket"], nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ws.Close() })
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.Connections()) > before }))
	return ws
}

func readFrame(t *testing.T, ws *websocket.Conn) []byte {
	t.Helper()
	require.NoError(t, ws.SetReadDeadline(time.Now().Add(wait)))
	typ, msg, err := ws.ReadMessage()
	require.NoError(t, err)
	require.Equal(t, websocket.TextMessage, typ, "frames are text messages")
	return msg
}

func TestOpenRejectsBadRequests(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	status, out := postOpen(t, emu, openBody("wrong", botSub))
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "InvalidAuthentication", out["code"])
	status, _ = postOpen(t, emu, `clientId=x`)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = postOpen(t, emu, openBody(dingtalkemu.DefaultClientSecret, `{"type":"BOGUS","topic":"x"}`))
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = postOpen(t, emu, `{"clientId":"","clientSecret":""}`)
	assert.Equal(t, http.StatusUnauthorized, status)
}

func TestTicketIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	emu := start(t, dingtalkemu.Options{Clock: clock})
	_, out := postOpen(t, emu, openBody(dingtalkemu.DefaultClientSecret, botSub))
	url := out["endpoint"] + "?ticket=" + out["ticket"]
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	require.NoError(t, err)
	defer ws.Close()
	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	require.ErrorIs(t, err, websocket.ErrBadHandshake, "a ticket opens one connection only")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	_, out = postOpen(t, emu, openBody(dingtalkemu.DefaultClientSecret, botSub))
	clock.Add(91 * time.Second)
	_, _, err = websocket.DefaultDialer.Dial(out["endpoint"]+"?ticket="+out["ticket"], nil)
	require.ErrorIs(t, err, websocket.ErrBadHandshake, "a ticket is valid 90 s")
	_, _, err = websocket.DefaultDialer.Dial(out["endpoint"]+"?ticket=made-up", nil)
	require.ErrorIs(t, err, websocket.ErrBadHandshake)
}

func TestFramesAreWhatTheSDKAccepts(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	ws := dialRaw(t, emu, botSub)
	_, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Group: true, Text: "hi"})
	require.NoError(t, err)
	raw := readFrame(t, ws)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &top))
	assert.NotContains(t, top, "time", "no top-level time: the SDK reads it as a number")
	var f struct {
		SpecVersion string            `json:"specVersion"`
		Type        string            `json:"type"`
		Headers     map[string]string `json:"headers"` // fails if any header is not a string
		Data        string            `json:"data"`    // a JSON object serialised as a string
	}
	require.NoError(t, json.Unmarshal(raw, &f))
	assert.Equal(t, "1.0", f.SpecVersion)
	assert.Equal(t, "CALLBACK", f.Type)
	assert.Equal(t, "/v1.0/im/bot/messages/get", f.Headers["topic"])
	assert.NotEmpty(t, f.Headers["messageId"])
	assert.Regexp(t, `^\d{13}$`, f.Headers["time"])
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(f.Data), &data))
	assert.IsType(t, "", data["conversationType"], "conversationType is a string")
	assert.IsType(t, float64(0), data["createAt"], "createAt is a number")
	assert.IsType(t, true, data["isInAtList"], "isInAtList is a boolean")
}

// ackFor writes an ack for the frame raw with the given changes.
func ackFor(t *testing.T, ws *websocket.Conn, raw []byte, ack string) {
	t.Helper()
	var f struct {
		Headers map[string]string `json:"headers"`
	}
	require.NoError(t, json.Unmarshal(raw, &f))
	require.NoError(t, ws.WriteMessage(websocket.TextMessage, []byte(strings.ReplaceAll(ack, "MID", f.Headers["messageId"]))))
}

func TestMalformedAcksAreDroppedAndTheFrameExpires(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{AckTimeout: 100 * time.Millisecond})
	ws := dialRaw(t, emu, botSub)
	dl, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "hi"})
	require.NoError(t, err)
	bad := []string{
		`{"code":200,"headers":{"messageId":"MID","time":1690362102194},"message":"","data":""}`, // numeric header
		`{"code":200,"headers":null,"message":"","data":""}`,
		`{"code":200,"headers":{"messageId":"not-a-frame"},"message":"","data":""}`,
		`not json`,
		`{"headers":{"messageId":"MID"},"data":""}`, // no code
	}
	raw := readFrame(t, ws)
	for _, b := range bad {
		ackFor(t, ws, raw, b)
	}
	require.NoError(t, ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}))
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.Problems()) == len(bad)+1 }))
	_, err = dl.Wait(ctxT(t))
	require.ErrorIs(t, err, dingtalkemu.ErrNoAck, "malformed acks never count")
	assert.Empty(t, emu.DataAcks())
	require.Len(t, emu.Frames(), 1, "an unacked bot message is not pushed again")
	assert.True(t, emu.Frames()[0].Expired)
}

func TestControlPingGetsPong(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	ws := dialRaw(t, emu, botSub)
	pong := make(chan string, 1)
	ws.SetPongHandler(func(s string) error { pong <- s; return nil })
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	require.NoError(t, ws.WriteControl(websocket.PingMessage, []byte("k"), time.Now().Add(time.Second)))
	select {
	case s := <-pong:
		assert.Equal(t, "k", s, "the emulator keeps reading, so control pings are answered")
	case <-time.After(wait):
		t.Fatal("no pong")
	}
}

func TestWrongPingEchoIsAProblem(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{})
	ws := dialRaw(t, emu, botSub)
	emu.Ping()
	raw := readFrame(t, ws)
	assert.Contains(t, string(raw), `"topic":"ping"`)
	ackFor(t, ws, raw, `{"code":200,"headers":{"messageId":"MID"},"message":"ok","data":"{}"}`)
	require.NoError(t, emu.WaitFor(wait, func() bool { return len(emu.Problems()) == 1 }))
	assert.Contains(t, emu.Problems()[0].Reason, "echo")
}

func TestDisconnectDropsTCPAfterGrace(t *testing.T) {
	t.Parallel()
	emu := start(t, dingtalkemu.Options{DisconnectGrace: 100 * time.Millisecond})
	ws := dialRaw(t, emu, botSub)
	emu.Disconnect()
	raw := readFrame(t, ws)
	assert.Contains(t, string(raw), `"topic":"disconnect"`)
	assert.Contains(t, string(raw), `connection is expired`)
	_, err := emu.SendText(dingtalkemu.BotMessage{ConversationID: "cidG", Text: "not to a draining connection"})
	require.NoError(t, err)
	require.NoError(t, ws.SetReadDeadline(time.Now().Add(wait)))
	_, _, err = ws.ReadMessage()
	require.Error(t, err, "the emulator closes the socket; no data frame follows a disconnect")
	assert.Equal(t, 1, emu.Queued())
}
