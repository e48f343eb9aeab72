package playground_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
)

// running is a playground started in-process on 127.0.0.1:0.
type running struct {
	t    *testing.T
	p    *playground.Playground
	base string // http://127.0.0.1:port
	stop func()
}

// start starts a playground — assembled by bot/system, as `dingops
// playground` is — and runs it until the test ends; the test waits for it
// to stop cleanly.
func start(t *testing.T, dataDir string) *running {
	t.Helper()
	return startWith(t, playground.Options{DataDir: dataDir})
}

// startWith is start with options (Addr, Clock, Logger and Version are the
// test's).
func startWith(t *testing.T, o playground.Options) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	o.Addr, o.Clock, o.Logger, o.Version = "127.0.0.1:0", clock{}, log, "test"
	p, err := playground.Start(ctx, o)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				assert.NoError(t, err, "the playground stops cleanly")
			case <-time.After(20 * time.Second):
				t.Error("the playground did not stop within 20s")
			}
		})
	}
	t.Cleanup(stop)
	return &running{t: t, p: p, base: strings.TrimSuffix(p.URL(), playground.PagePath), stop: stop}
}

// clock runs at the speed of real time from a fixed working-day morning,
// Tuesday 2026-11-24 11:00 in Shanghai, so no test depends on the hour it
// runs at: api's window (10:00–18:00) is open and its announcements are
// hours away. (Run at 17:49 on the wall clock, the closing-soon post fell
// due at start and the group was no longer empty.)
type clock struct{}

var (
	realStart = time.Now()
	fakeStart = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) // 11:00 in Asia/Shanghai
)

func (clock) Now() time.Time { return fakeStart.Add(time.Since(realStart)) }

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// post sends a JSON body to the playground's API and decodes the answer.
func (r *running) post(path string, body any) (int, map[string]any) {
	r.t.Helper()
	data, err := json.Marshal(body)
	require.NoError(r.t, err)
	resp, err := http.Post(r.base+playground.APIPath+path, "application/json", bytes.NewReader(data))
	require.NoError(r.t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(r.t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// say types text into the group as who.
func (r *running) say(who, text string) {
	r.t.Helper()
	code, out := r.post("/send", map[string]string{"as": who, "text": text})
	require.Equal(r.t, http.StatusAccepted, code, "%v", out)
}

func (r *running) state(as string) playground.State {
	r.t.Helper()
	resp, err := http.Get(r.base + playground.APIPath + "/state?as=" + url.QueryEscape(as))
	require.NoError(r.t, err)
	defer resp.Body.Close()
	require.Equal(r.t, http.StatusOK, resp.StatusCode)
	var st playground.State
	require.NoError(r.t, json.NewDecoder(resp.Body).Decode(&st))
	return st
}

// waitFor polls as's state until cond holds (20 s at most).
func (r *running) waitFor(as, what string, cond func(playground.State) bool) playground.State {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := r.state(as)
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			js, _ := json.MarshalIndent(st.Messages, "", " ")
			r.t.Fatalf("waiting for %s: not within 20s; messages:\n%s", what, js)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// card is the newest card of the app, or nil.
func card(st playground.State, app string) *playground.Card {
	for i := len(st.Messages) - 1; i >= 0; i-- {
		if c := st.Messages[i].Card; c != nil && c.Data["app"] == app {
			return c
		}
	}
	return nil
}

// cardIs waits for the newest card of app to reach status.
func (r *running) cardIs(as, app, status string) *playground.Card {
	r.t.Helper()
	st := r.waitFor(as, app+" card "+status, func(st playground.State) bool {
		c := card(st, app)
		return c != nil && c.Data["status"] == status
	})
	return card(st, app)
}

// reply waits for a bot reply containing text.
func (r *running) reply(as, text string) playground.Message {
	r.t.Helper()
	var found playground.Message
	r.waitFor(as, "a reply with "+text, func(st playground.State) bool {
		for _, m := range st.Messages {
			if m.Kind == playground.KindReply && strings.Contains(m.Text, text) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}
