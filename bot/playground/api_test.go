package playground_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
)

// TestPlaygroundOverHTTP drives the page's API the way the page does: the
// seeded past, a rollback refused for someone without rights and approved
// by the approver through the card callback, a conflicting branch refused,
// an announcement fired, and the event stream following along.
func TestPlaygroundOverHTTP(t *testing.T) {
	r := start(t, "")
	st := r.state("alice")
	seeded(t, st)
	v3 := st.Web.Source

	r.say("alice", "/rollback web v2")
	pending := r.cardIs("alice", "web", "pending_approval")
	assert.Equal(t, "show", pending.Data["buttons"])
	assert.Contains(t, pending.Data["body"], "v2")
	assert.Contains(t, pending.Data["body"], "b97df9e web: new checkout button", "the commit v2 undoes, from git")

	code, out := r.post("/click", map[string]string{"as": "dave", "card": pending.OutTrackID, "action": "approve"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Contains(t, out["notice"], "dave", "the refusal is told to dave")
	st = r.waitFor("dave", "dave's notice", func(st playground.State) bool { return card(st, "web").Notice != "" })
	assert.Equal(t, "pending_approval", card(st, "web").Data["status"], "the card is unchanged")
	assert.Equal(t, "show", card(st, "web").Data["buttons"])
	assert.Empty(t, card(r.state("bob"), "web").Notice, "nobody else sees it")
	assert.Empty(t, card(r.state("alice"), "web").Notice, "nobody else sees it")

	code, out = r.post("/click", map[string]string{"as": "bob", "card": pending.OutTrackID, "action": "approve"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	r.cardIs("bob", "web", "succeeded")
	st = r.waitFor("alice", "v2's manifest live", func(st playground.State) bool { return st.Web.Source != v3 })
	assert.Contains(t, st.Web.Manifest, "main.js")

	r.say("alice", "/release web feature/conflict")
	r.reply("alice", playground.ConflictFile)

	code, out = r.post("/announce", map[string]any{"as": "alice", "post": 3})
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, true, out["sent"], "%v", out)
	r.waitFor("alice", "the digest in the group", func(st playground.State) bool {
		for _, m := range st.Messages {
			if m.Kind == playground.KindRobot {
				return true
			}
		}
		return false
	})
}

// seeded checks the side panel at start: v3 of every app is live.
func seeded(t *testing.T, st playground.State) {
	require.True(t, st.Web.Exists, "web's fixed manifest is live at start")
	assert.Contains(t, st.Web.Source, "web/manifest.")
	require.Len(t, st.Web.Loads, 2)
	for _, a := range st.Web.Loads {
		assert.True(t, a.Exists, "the page's file %s exists", a.Key)
	}
	assert.Contains(t, st.API.Image, "registry.playground.local/shop/api:")
	assert.True(t, st.API.Done, st.API.Rollout)
	require.NotNil(t, st.Mini.Online)
	assert.Equal(t, "1.2.0", st.Mini.Online.Version)
	assert.Len(t, st.Announcements, 4)
	assert.Empty(t, st.Messages, "the group starts empty")
}

// TestEventStream: the stream starts with the whole state and sends a new
// one when something happens.
func TestEventStream(t *testing.T) {
	r := start(t, "")
	resp, err := http.Get(r.base + playground.EventsPath + "?as=bob")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("Content-Type"))
	events := make(chan playground.State, 16)
	go readEvents(resp, events)
	first := next(t, events)
	assert.Equal(t, "bob", first.As)
	r.say("bob", "/status")
	for {
		st := next(t, events)
		require.Greater(t, st.Version, first.Version)
		if len(st.Messages) > 0 && st.Messages[0].Text == "/status" {
			assert.Equal(t, "bob", st.Messages[0].From)
			return
		}
	}
}

func readEvents(resp *http.Response, out chan<- playground.State) {
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "state":
			var st playground.State
			if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st) == nil {
				out <- st
			}
		}
	}
	close(out)
}

func next(t *testing.T, events <-chan playground.State) playground.State {
	t.Helper()
	select {
	case st, ok := <-events:
		require.True(t, ok, "the stream ended")
		return st
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return playground.State{}
}

// TestRequestsRefused: what the API will not take.
func TestRequestsRefused(t *testing.T) {
	r := start(t, "")
	resp, err := http.Post(r.base+playground.APIPath+"/send", "text/plain", strings.NewReader(`{"as":"alice","text":"/help"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode, "a form elsewhere cannot post here")
	code, _ := r.post("/send", map[string]string{"as": "mallory", "text": "/help"})
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = r.post("/click", map[string]string{"as": "bob", "card": "nope", "action": "approve"})
	assert.Equal(t, http.StatusNotFound, code)
	req, err := http.NewRequest(http.MethodGet, r.base+playground.EventsPath+"?as=bob", nil)
	require.NoError(t, err)
	req.Host = "evil.example:80"
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "DNS rebinding")
}
