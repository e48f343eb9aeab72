package web_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
)

// countingEngine counts Status calls per app (each asks the target what
// is live) and can hold them until release is closed.
type countingEngine struct {
	web.Engine
	mu      sync.Mutex
	calls   map[string]int
	release chan struct{}
	started atomic.Int32
}

func (c *countingEngine) Status(ctx context.Context, app string) (core.AppStatus, error) {
	c.mu.Lock()
	c.calls[app]++
	hold := c.release
	c.mu.Unlock()
	c.started.Add(1)
	if hold != nil {
		<-hold
	}
	return c.Engine.Status(ctx, app)
}

func (c *countingEngine) count(app string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[app]
}

// TestOverviewSharesLiveReads: views of / within 5 s ask each app's target
// once; ten concurrent views share one call; the read is repeated after
// 5 s, and at once when a release of the app is recorded.
func TestOverviewSharesLiveReads(t *testing.T) {
	var ce *countingEngine
	f := newFixture(t, func(c *web.Config) {
		ce = &countingEngine{Engine: c.Engine, calls: map[string]int{}}
		c.Engine = ce
	})
	view := func() {
		code, body := f.get("/")
		require.Equal(t, http.StatusOK, code, body)
	}
	view()
	view()
	assert.Equal(t, 1, ce.count("web"))
	assert.Equal(t, 1, ce.count("api"))

	f.clock.Advance(5 * time.Second)
	ce.mu.Lock()
	ce.release = make(chan struct{})
	ce.mu.Unlock()
	ce.started.Store(0)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(view)
	}
	require.Eventually(t, func() bool { return ce.started.Load() == 2 }, 10*time.Second, time.Millisecond)
	close(ce.release)
	wg.Wait()
	assert.Equal(t, 2, ce.count("web"), "ten concurrent views, one call")
	assert.Equal(t, 2, ce.count("api"))

	f.deps["web"].Add("web/m.1.json")
	code, body := f.post(`{"app":"web","artifact":"web/m.1.json"}`)
	require.Equal(t, http.StatusCreated, code, body)
	view()
	assert.Equal(t, 3, ce.count("web"), "a new release of web is read at once")
	assert.Equal(t, 2, ce.count("api"), "api did not change")
}
