package core_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// unreachableLocks is a store whose run-lock renewals hang (a silent
// network) or fail once stalled is set.
type unreachableLocks struct {
	*store.Store
	stalled atomic.Bool
	hang    bool
}

func (u *unreachableLocks) Renew(ctx context.Context, app, worker string, now time.Time, lease time.Duration) error {
	if !u.stalled.Load() {
		return u.Store.Renew(ctx, app, worker, now, lease)
	}
	if u.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return errors.New("connection refused")
}

// TestFencedWhenLeaseUnconfirmed: a worker that cannot renew its run lock
// (the database hangs or refuses) stops its deploy before the lease can
// lapse, and leaves the release in flight for whoever claims it next,
// instead of deploying on while another worker takes the release over.
func TestFencedWhenLeaseUnconfirmed(t *testing.T) {
	for _, hang := range []bool{true, false} {
		name := map[bool]string{true: "renewal hangs", false: "renewal fails"}[hang]
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, coretest.NewClock(time.Now()), func(t *testing.T, s *store.Store) {
				fenced(t, s, hang)
			})
		})
	}
}

func fenced(t *testing.T, s *store.Store, hang bool) {
	f := newFixture(t, s, coretest.NewClock(time.Now()))
	locks := &unreachableLocks{Store: s, hang: hang}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{f.app}, Releases: s, Locks: locks, Audit: s,
		Deployers: map[string]core.Deployer{"web": f.dep}, Notifier: f.notes, Clock: core.WallClock{}})
	require.NoError(t, err)
	f.eng = eng
	f.record(2)
	p, err := f.rollback(alice, 1)
	require.NoError(t, err)
	_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
	require.NoError(t, err)
	f.dep.HangNext()
	locks.stalled.Store(true)
	lease := 600 * time.Millisecond
	err = f.eng.NewWorker(core.WorkerConfig{ID: "cut-off", Lease: lease, Poll: time.Hour}).Execute(f.ctx, p.Release.ID)
	require.Error(t, err, "the deploy was stopped, not finished")
	assert.Contains(t, err.Error(), "not renewed in time")
	held, err := s.Locks(f.ctx, "web")
	require.NoError(t, err)
	require.Len(t, held, 1)
	assert.Equal(t, "cut-off", held[0].Holder, "the run lock is left to lapse, not taken by anyone meanwhile")
	r, err := f.eng.Release(f.ctx, p.Release.ID)
	require.NoError(t, err)
	assert.Equal(t, core.StatusDeploying, r.Status, "left in flight for the next claimer")
}
