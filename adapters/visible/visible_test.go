package visible

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestContainsToken(t *testing.T) {
	for _, c := range []struct {
		body, want string
		ok         bool
	}{
		{`{"version":"v4"}`, "v4", true},
		{`{"version":"v42"}`, "v4", false},
		{"1.2.0\n", "1.2.0", true},
		{"1.2.0.1", "1.2.0", false},
		{"web:v4 web:v42", "v42", true},
	} {
		assert.Equal(t, c.ok, containsToken(c.body, c.want), "%q in %q", c.want, c.body)
	}
}

func TestRoundsCountsFollow(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	start := now
	cfg := Config{Timeout: 15 * time.Minute, Now: func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) bool { now = now.Add(d); return true }}
	checks := 0
	v := Follow(context.Background(), cfg, start, "x", func(context.Context) (bool, error) { checks++; return false, nil },
		nil, func(core.Visibility) {})
	assert.True(t, v.TimedOut)
	assert.Equal(t, Rounds(cfg), checks, "Rounds is exactly the looks a timed-out follow makes")
	assert.Equal(t, 15*time.Minute, now.Sub(start))
}

func TestProbeHeaderAndStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/down" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Version", "v42")
	}))
	t.Cleanup(srv.Close)
	p := &Probe{URL: srv.URL, Header: "X-Version", HTTP: srv.Client()}
	require.True(t, p.Serves(context.Background(), []string{"v42"}))
	assert.False(t, p.Serves(context.Background(), []string{"v4"}))
	down := &Probe{URL: srv.URL + "/down", Header: "X-Version", HTTP: srv.Client()}
	assert.False(t, down.Serves(context.Background(), []string{"v42"}))
}
