package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestWorkerSettlesUnknownOnItsPoll: a release left unknown (the deploy
// timed out and the target could not be read) is settled by the worker's
// own live read once the target answers again — nobody asks for /status.
func TestWorkerSettlesUnknownOnItsPoll(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		id := f.approvedRollback()
		f.dep.LandNext()
		f.dep.FailLive(errors.New("target unreachable"))
		require.NoError(t, f.worker("w1").Execute(f.ctx, id))
		status := func() core.Status {
			r, err := f.eng.Release(f.ctx, id)
			require.NoError(t, err)
			return r.Status
		}
		require.Equal(t, core.StatusUnknown, status())

		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		w := f.eng.NewWorker(core.WorkerConfig{ID: "w2", Lease: 10 * time.Second, Poll: 2 * time.Millisecond})
		go func() { done <- w.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })

		// Still unreadable: the worker reads, and its reads leave it unknown.
		reads := f.dep.LiveReads()
		require.Eventually(t, func() bool { return f.dep.LiveReads() >= reads+3 }, 20*time.Second, time.Millisecond,
			"the worker reads the target by itself")
		assert.Equal(t, core.StatusUnknown, status(), "an unreadable target settles nothing")

		f.dep.FailLive(nil)
		require.Eventually(t, func() bool { return status() == core.StatusSucceeded }, 20*time.Second, 5*time.Millisecond,
			"settled by the worker's own read")
		live, err := f.store.Live(f.ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, id, live.ID)
		_, ok := f.notes.WaitFor(id, core.StepSucceeded, 0)
		assert.True(t, ok, "the card and the requester hear of it")
	})
}
