package alerts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
)

type liveAt struct{ r core.Release }

func (l liveAt) Live(context.Context, string) (core.Release, error) { return l.r, nil }

type collected struct {
	mu     sync.Mutex
	alerts []core.Alert
}

func (c *collected) Receive(_ context.Context, as []core.Alert) ([]core.AlertResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.alerts = append(c.alerts, as...)
	return nil, nil
}

// TestHealthProbe: Failures failed polls in a row during the watch fire one
// alert; the first good poll resolves it; outside the watch nothing polls.
func TestHealthProbe(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		polls.Add(1)
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	t0 := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	clock := coretest.NewClock(t0)
	out := &collected{}
	live := liveAt{core.Release{ID: 7, App: "web", FinishedAt: t0}}
	p := NewProber([]Probe{{App: "web", URL: srv.URL, Failures: 3, Watch: 30 * time.Minute}}, live, out, clock, nil)
	pr, st, ctx := p.probes[0], &probeState{}, context.Background()

	for range 2 {
		p.poll(ctx, pr, st)
		clock.Advance(10 * time.Second)
	}
	assert.Empty(t, out.alerts, "two failures are not yet an alert")
	for range 3 {
		p.poll(ctx, pr, st)
	}
	require.Len(t, out.alerts, 1, "the third fires, once")
	a := out.alerts[0]
	assert.Equal(t, "health", a.Source)
	assert.Equal(t, core.AlertFiring, a.Status)
	assert.True(t, a.StartsAt.Equal(t0), "it started at the first failure")
	assert.Contains(t, a.Title, "status 503")

	status.Store(http.StatusOK)
	p.poll(ctx, pr, st)
	require.Len(t, out.alerts, 2)
	assert.Equal(t, core.AlertResolved, out.alerts[1].Status)
	assert.Equal(t, a.ID, out.alerts[1].ID)

	clock.Advance(time.Hour)
	before := polls.Load()
	p.poll(ctx, pr, st)
	assert.Equal(t, before, polls.Load(), "outside the watch nothing is polled")
}

func TestFromConfig(t *testing.T) {
	cfg, probs, err := configs.Load("../../configs/example.yaml", func(string) string { return "x" })
	require.NoError(t, err, "%v", probs)
	w := FromConfig(cfg)
	assert.Equal(t, "dingops_app", w.AppLabel)
	web := w.Settings["web"]
	assert.Equal(t, 30*time.Minute, web.Watch)
	assert.Equal(t, core.AlertSuggest, web.Policy)
	assert.NotEmpty(t, web.Tell, "alert_tell teams resolved to staff ids")
	require.Len(t, w.Probes, 1)
	assert.Equal(t, "web", w.Probes[0].App)
	assert.Contains(t, w.Kubernetes, KubeApp{App: "api", Namespace: "prod", Deployments: []string{"api", "api-worker"}})
}
