package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestCleanStopClearsHeartbeat: a worker stopped cleanly (serve's SIGTERM)
// removes its heartbeat once its work is drained, so `dingops chat` runs
// an approved release itself instead of waiting for a replica that is gone.
func TestCleanStopClearsHeartbeat(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		w := f.eng.NewWorker(core.WorkerConfig{ID: "serve-1", Lease: 10 * time.Second, Poll: time.Hour, Replicas: f.store})
		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		require.Eventually(t, func() bool {
			alive, err := f.store.Alive(f.ctx, t0.Add(-time.Minute))
			return err == nil && len(alive) == 1
		}, 10*time.Second, 5*time.Millisecond, "the running worker beats")
		cancel()
		require.NoError(t, <-done)
		alive, err := f.store.Alive(f.ctx, t0.Add(-time.Minute))
		require.NoError(t, err)
		assert.Empty(t, alive, "a clean stop leaves no heartbeat behind")
	})
}
