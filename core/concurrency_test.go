package core_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func fiftyApprovers(a *core.App) {
	for i := 0; i < 50; i++ {
		a.Approvers = append(a.Approvers, fmt.Sprintf("approver%02d", i))
	}
}

func TestFiftyApproversOneTransition(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		var wg sync.WaitGroup
		errs := make([]error, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := core.Actor{StaffID: fmt.Sprintf("approver%02d", i), Origin: core.OriginCard}
				_, errs[i] = f.eng.Approve(f.ctx, who, p.Release.ID, "")
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			refusal(t, err, core.CodeAlreadyDecided)
		}
		assert.Equal(t, 1, ok, "exactly one approval decides")
		r, err := f.eng.Release(f.ctx, p.Release.ID)
		require.NoError(t, err)
		assert.Equal(t, core.StatusApproved, r.Status)
		assert.Len(t, r.Approvals, 1)
		transitions, err := f.store.Audit(f.ctx, core.AuditFilter{ReleaseID: r.ID, Kind: core.AuditTransition})
		require.NoError(t, err)
		assert.Len(t, transitions, 1)
		approved := 0
		for _, ev := range f.notes.Events() {
			if ev.Step == core.StepApproved {
				approved++
			}
		}
		assert.Equal(t, 1, approved)
	}, fiftyApprovers)
}

func TestFiftyClaimersOneExecution(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				assert.NoError(t, f.worker(fmt.Sprintf("w%02d", i)).Execute(f.ctx, p.Release.ID))
			}()
		}
		wg.Wait()
		assert.Len(t, f.dep.Deploys(), 1, "one deploy, whatever the number of claimers")
		r, err := f.eng.Release(f.ctx, p.Release.ID)
		require.NoError(t, err)
		assert.Equal(t, core.StatusSucceeded, r.Status)
	})
}

var errCrash = errors.New("simulated crash")

// crashAt makes a worker that dies at step.
func (f *fixture) crashingWorker(id string, at core.Step) *core.Worker {
	return f.eng.NewWorker(core.WorkerConfig{ID: id, Lease: 10 * time.Second, Poll: time.Hour,
		Hook: func(_ core.ReleaseID, s core.Step) error {
			if s == at {
				return errCrash
			}
			return nil
		}})
}

func TestLeaseExpiry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		err = f.crashingWorker("dead", core.StepQueued).Execute(f.ctx, p.Release.ID)
		require.ErrorIs(t, err, core.ErrAbandoned)

		require.NoError(t, f.worker("alive").Execute(f.ctx, p.Release.ID))
		assert.Empty(t, f.dep.Deploys(), "the dead worker's lease still holds")
		locks, err := f.store.Locks(f.ctx, "web")
		require.NoError(t, err)
		require.Len(t, locks, 1)
		assert.Equal(t, "dead", locks[0].Holder)

		f.clock.Advance(11 * time.Second)
		require.NoError(t, f.worker("alive").Execute(f.ctx, p.Release.ID))
		assert.Len(t, f.dep.Deploys(), 1)
		r, err := f.eng.Release(f.ctx, p.Release.ID)
		require.NoError(t, err)
		assert.Equal(t, core.StatusSucceeded, r.Status)
	})
}

func TestCrashResumeBetweenSteps(t *testing.T) {
	for _, at := range []core.Step{core.StepQueued, core.StepDeploying, core.StepSucceeded} {
		t.Run(string(at), func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				f.record(2)
				p, err := f.rollback(alice, 1)
				require.NoError(t, err)
				_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
				require.NoError(t, err)
				require.ErrorIs(t, f.crashingWorker("first", at).Execute(f.ctx, p.Release.ID), core.ErrAbandoned)
				f.clock.Advance(11 * time.Second)
				require.NoError(t, f.worker("second").Execute(f.ctx, p.Release.ID))
				r, err := f.eng.Release(f.ctx, p.Release.ID)
				require.NoError(t, err)
				assert.Equal(t, core.StatusSucceeded, r.Status, r.Error)
				assert.Len(t, f.dep.Deploys(), 1, "no second deploy after a crash at %s", at)
				locks, err := f.store.Locks(f.ctx, "web")
				require.NoError(t, err)
				for _, l := range locks {
					assert.NotEqual(t, core.LockRun, l.Kind, "run lock released")
				}
			})
		})
	}
}

func TestExpiryAndCancel(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		n, err := f.eng.ExpireDue(f.ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		f.clock.Advance(31 * time.Minute)
		n, err = f.eng.ExpireDue(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, ok := f.notes.WaitFor(p.Release.ID, core.StepExpired, 0)
		assert.True(t, ok)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		refusal(t, err, core.CodeAlreadyDecided)

		p, err = f.rollback(alice, 1)
		require.NoError(t, err)
		_, err = f.eng.Cancel(f.ctx, eve, p.Release.ID)
		refusal(t, err, core.CodeNotPermitted)
		r, err := f.eng.Cancel(f.ctx, alice, p.Release.ID)
		require.NoError(t, err)
		assert.Equal(t, core.StatusCancelled, r.Status)

		p, err = f.rollback(alice, 1)
		require.NoError(t, err)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		require.ErrorIs(t, f.crashingWorker("w", core.StepDeploying).Execute(f.ctx, p.Release.ID), core.ErrAbandoned)
		_, err = f.eng.Cancel(f.ctx, alice, p.Release.ID)
		refusal(t, err, core.CodeNotCancellable)
	})
}

func TestLocks(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(3)
		_, err := f.eng.Lock(f.ctx, eve, "web", "incident")
		refusal(t, err, core.CodeNotPermitted)
		l, err := f.eng.Lock(f.ctx, alice, "web", "incident")
		require.NoError(t, err)
		assert.Equal(t, core.LockManual, l.Kind)
		_, err = f.eng.Lock(f.ctx, bob, "web", "again")
		r := refusal(t, err, core.CodeLocked)
		assert.Equal(t, "alice", r.Reasons[0].Args["holder"])
		_, err = f.rollback(alice, 2)
		refusal(t, err, core.CodeLocked)
		got, err := f.eng.Unlock(f.ctx, bob, "web")
		require.NoError(t, err)
		assert.Equal(t, "alice", got.Holder, "unlocking tells who held it")
		_, err = f.eng.Unlock(f.ctx, bob, "web")
		refusal(t, err, core.CodeNotLocked)

		p, err := f.rollback(alice, 2)
		require.NoError(t, err)
		approveAndRun(t, f, p.Release.ID)
		locks, err := f.store.Locks(f.ctx, "web")
		require.NoError(t, err)
		require.Len(t, locks, 1)
		assert.Equal(t, core.LockAfterRollback, locks[0].Kind)
		// A further rollback is allowed while releases are frozen.
		_, err = f.rollback(alice, 1)
		require.NoError(t, err)
	})
}
