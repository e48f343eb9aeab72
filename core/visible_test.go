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
		require.Eventually(t, func() bool { v := eng.Visibility(r.ID); return v != nil && v.Confirmed() }, 10*time.Second, time.Millisecond)
		done, err := eng.Release(f.ctx, r.ID)
		require.NoError(t, err)
		plan, err := eng.PlanOf(f.ctx, done)
		require.NoError(t, err)
		require.NotNil(t, plan.Visible)
		assert.Equal(t, 5*time.Minute+41*time.Second, plan.Visible.Served.Sub(plan.Visible.Switched))
		require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(observed) == 1 }, 10*time.Second, time.Millisecond)
	})
}
