package core_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// visibleDeployer is an in-memory target that confirms users see a
// deploy: it reports the switch, then served.
type visibleDeployer struct {
	*coretest.Deployer
	served time.Duration
}

func (d visibleDeployer) ConfirmVisible(_ context.Context, _ core.DeployRequest, switched time.Time,
	report func(core.Visibility)) core.Visibility {
	report(core.Visibility{Switched: switched})
	v := core.Visibility{Switched: switched, Served: switched.Add(d.served)}
	report(v)
	return v
}

// TestVisibleAfterDeploy: after a deploy succeeds, a deployer that can
// tell is followed in the background; each change is a StepVisible event
// (the release unchanged), the plan carries it for the card, and the
// deploy → user-visible time is observed.
func TestVisibleAfterDeploy(t *testing.T) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clock)
		f.record(3)
		var mu sync.Mutex
		var observed []time.Duration
		dep := visibleDeployer{Deployer: f.dep, served: 5*time.Minute + 41*time.Second}
		eng, err := core.NewEngine(core.Config{Apps: []*core.App{f.app}, Releases: s, Locks: s, Audit: s,
			Deployers: map[string]core.Deployer{"web": dep}, Notifier: f.notes, Clock: clock,
			Observe: func(_ core.Release, d time.Duration) { mu.Lock(); observed = append(observed, d); mu.Unlock() }})
		require.NoError(t, err)
		p, err := eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: alice, App: "web"})
		require.NoError(t, err)
		r, err := eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		require.NoError(t, eng.NewWorker(core.WorkerConfig{ID: "w", Lease: 10 * time.Second, Poll: time.Hour}).Execute(f.ctx, r.ID))

		ev, ok := f.notes.WaitFor(r.ID, core.StepVisible, 10*time.Second)
		require.True(t, ok, "a visibility change is notified")
		assert.Equal(t, core.StatusSucceeded, ev.Release.Status)
		require.Eventually(t, func() bool { v := eng.Visibility(f.ctx, r.ID); return v != nil && v.Confirmed() }, 10*time.Second, time.Millisecond)
		done, err := eng.Release(f.ctx, r.ID)
		require.NoError(t, err)
		plan, err := eng.PlanOf(f.ctx, done)
		require.NoError(t, err)
		require.NotNil(t, plan.Visible)
		assert.Equal(t, 5*time.Minute+41*time.Second, plan.Visible.Served.Sub(plan.Visible.Switched))
		require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(observed) == 1 }, 10*time.Second, time.Millisecond)
	})
}

// TestVisibleResumedAfterRestart: a confirmation left open by a stopped
// serve is in the store; a new engine shows it on the card and, when its
// worker starts, claims it and follows it to the end from the recorded
// switch. One whose release is no longer live is closed as not confirmed.
func TestVisibleResumedAfterRestart(t *testing.T) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clock)
		f.record(3)
		live, err := s.Live(f.ctx, "web")
		require.NoError(t, err)
		old := live.ID - 1
		switched := t0.Add(-time.Minute)
		require.NoError(t, s.SaveVisibility(f.ctx, live, "gone", core.Visibility{Switched: switched}))
		require.NoError(t, s.SaveVisibility(f.ctx, core.Release{ID: old, App: "web"}, "gone", core.Visibility{Switched: switched}))

		dep := visibleDeployer{Deployer: f.dep, served: 90 * time.Second}
		eng, err := core.NewEngine(core.Config{Apps: []*core.App{f.app}, Releases: s, Locks: s, Audit: s,
			Deployers: map[string]core.Deployer{"web": dep}, Notifier: f.notes, Clock: clock})
		require.NoError(t, err)
		v := eng.Visibility(f.ctx, live.ID)
		require.NotNil(t, v, "read back from the store")
		assert.False(t, v.Confirmed())

		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan error, 1)
		go func() { done <- eng.NewWorker(core.WorkerConfig{ID: "new", Poll: time.Hour}).Run(ctx) }()
		require.Eventually(t, func() bool {
			v, err := s.LoadVisibility(f.ctx, live.ID)
			return err == nil && v != nil && v.Confirmed()
		}, 10*time.Second, time.Millisecond)
		cancel()
		require.NoError(t, <-done)
		v, err = s.LoadVisibility(f.ctx, live.ID)
		require.NoError(t, err)
		assert.Equal(t, switched.Add(90*time.Second), v.Served, "followed from the recorded switch")
		closed, err := s.LoadVisibility(f.ctx, old)
		require.NoError(t, err)
		assert.True(t, closed.TimedOut, "no longer live: not confirmed")
		open, err := s.OpenVisibilities(f.ctx)
		require.NoError(t, err)
		assert.Empty(t, open)
	})
}
