package oss_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ossdeploy "github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/oss/cdnemu"
	"github.com/dingops/dingops/core"
)

// origin is the bucket's public face for one key: it serves whichever
// manifest is current, with the metadata the deploy's copy writes.
type origin struct {
	mu  sync.Mutex
	ref string
}

func (o *origin) set(ref string) { o.mu.Lock(); o.ref = ref; o.mu.Unlock() }

func (o *origin) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	w.Header().Set("X-Oss-Meta-Dingops-Source", o.ref)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(`{"ref":"` + o.ref + `"}`))
}

// TestConfirm: a switch behind a CDN edge that serves the stale copy until
// its refresh task completes; confirmed at once (no delay), confirmed
// after the refresh (slow), or not confirmed by the timeout — never an
// error — and the polls stay within the backoff's budget.
func TestConfirm(t *testing.T) {
	cases := map[string]struct {
		refresh   time.Duration
		timeout   time.Duration
		confirmed bool
	}{
		"confirmed":                {0, 10 * time.Second, true},
		"slow then confirmed":      {300 * time.Millisecond, 10 * time.Second, true},
		"not confirmed by timeout": {time.Hour, 300 * time.Millisecond, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := &origin{ref: "web/manifest.a.json"}
			orig := httptest.NewServer(o)
			t.Cleanup(orig.Close)
			api := cdnemu.New(cdnemu.Options{Credentials: map[string]string{"LTAIcdn": "cdn-secret"},
				Domains: []string{"static.example.com"}, RefreshTime: tc.refresh})
			require.NoError(t, api.Start())
			t.Cleanup(func() { _ = api.Close() })
			edge := httptest.NewServer(api.Edge("static.example.com", orig.URL))
			t.Cleanup(edge.Close)
			userURL := edge.URL + "/web/manifest.json"
			get(t, userURL) // the edge caches the old manifest

			o.set("web/manifest.b.json")
			switched := time.Now()
			cdn, err := ossdeploy.NewCDN(ossdeploy.CDNConfig{URL: "https://static.example.com/web/manifest.json",
				Endpoint: api.Addr(), Protocol: "http", AccessKeyID: "LTAIcdn", AccessKeySecret: "cdn-secret"})
			require.NoError(t, err)
			task, err := cdn.RefreshObjectCaches(context.Background(), []string{"https://static.example.com/web/manifest.json"})
			require.NoError(t, err)
			if tc.refresh > 0 {
				assert.Contains(t, get(t, userURL), "manifest.a", "stale until the refresh takes effect")
			}

			c := ossdeploy.NewConfirmer(ossdeploy.ConfirmConfig{URLs: []string{userURL}, Timeout: tc.timeout,
				First: 20 * time.Millisecond, Max: 80 * time.Millisecond}, cdn)
			var seen []ossdeploy.Confirmation
			st := c.Confirm(context.Background(), core.Artifact{Ref: "web/manifest.b.json"}, switched, task,
				func(s ossdeploy.Confirmation) { seen = append(seen, s) })
			assert.Equal(t, tc.confirmed, st.Confirmed())
			assert.Equal(t, !tc.confirmed, st.TimedOut)
			require.NotEmpty(t, seen, "progress is reported")
			assert.Equal(t, st, seen[len(seen)-1])
			if tc.confirmed {
				assert.False(t, st.CDNDone.IsZero(), "the refresh task was followed")
				assert.False(t, st.Served.Before(st.CDNDone), "served once the refresh took effect")
				assert.Contains(t, get(t, userURL), "manifest.b")
			}
			// Poll budget: two queries a round, rounds at most the timeout
			// over the first interval (backoff only makes fewer).
			budget := 2 * (int(tc.timeout/(20*time.Millisecond)) + 1)
			assert.LessOrEqual(t, st.Polls, budget)
		})
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b [256]byte
	n, _ := resp.Body.Read(b[:])
	return string(b[:n])
}
