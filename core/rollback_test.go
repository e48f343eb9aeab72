package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestRollbackFlow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(3)
		p, err := f.rollback(alice, 2)
		require.NoError(t, err)
		assert.Equal(t, core.StatusPendingApproval, p.Release.Status)
		assert.Equal(t, 4, p.Release.Version)
		assert.Equal(t, 2, p.Release.RollbackOf)
		assert.True(t, p.Release.Artifact.Same(art(2)))
		require.NotNil(t, p.Live)
		assert.Equal(t, 3, p.Live.Version)
		assert.False(t, p.Mismatch())

		r, err := f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		assert.Equal(t, core.StatusApproved, r.Status)
		require.NoError(t, f.worker("w1").Execute(f.ctx, r.ID))

		done, err := f.eng.Release(f.ctx, r.ID)
		require.NoError(t, err)
		assert.Equal(t, core.StatusSucceeded, done.Status, done.Error)
		require.Len(t, f.dep.Deploys(), 1)
		assert.True(t, f.dep.Deploys()[0].Artifact.Same(art(2)))

		hist, err := f.eng.History(f.ctx, "web", 10)
		require.NoError(t, err)
		require.Len(t, hist, 4)
		assert.Equal(t, core.KindRollback, hist[0].Kind)
		assert.True(t, hist[1].RolledBack, "v3 is marked rolled back")
		assert.Equal(t, r.ID, hist[1].RolledBackBy)
		assert.False(t, hist[2].RolledBack)

		live, err := f.store.Live(f.ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, 4, live.Version)
		locks, err := f.store.Locks(f.ctx, "web")
		require.NoError(t, err)
		require.Len(t, locks, 1, "frozen for releases, run lock released")
		assert.Equal(t, core.LockAfterRollback, locks[0].Kind)

		_, ok := f.notes.WaitFor(r.ID, core.StepSucceeded, 0)
		assert.True(t, ok)
	})
}

func TestDefaultTarget(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(3)
		p, err := f.rollback(alice, 0)
		require.NoError(t, err)
		assert.Equal(t, 2, p.Release.RollbackOf)
		approveAndRun(t, f, p.Release.ID)

		// After v4 (= v2's artifact), the default skips v3 (rolled back) and v2 (live artifact).
		_, err = f.eng.Unlock(f.ctx, alice, "web")
		require.NoError(t, err)
		p, err = f.rollback(alice, 0)
		require.NoError(t, err)
		assert.Equal(t, 1, p.Release.RollbackOf)
	})
}

func approveAndRun(t *testing.T, f *fixture, id core.ReleaseID) {
	t.Helper()
	_, err := f.eng.Approve(f.ctx, bob, id, "")
	require.NoError(t, err)
	require.NoError(t, f.worker("w-run").Execute(f.ctx, id))
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, core.StatusSucceeded, r.Status, r.Error)
}

func TestRollbackRefusals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(3)
		_, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: alice, App: "wbe", Version: 2})
		refusal(t, err, core.CodeUnknownApp)
		_, err = f.rollback(eve, 2)
		refusal(t, err, core.CodeNotPermitted)
		_, err = f.rollback(alice, 9)
		refusal(t, err, core.CodeVersionNotFound)
		_, err = f.rollback(alice, 3)
		refusal(t, err, core.CodeAlreadyLive)

		f.dep.SetLive(art(1)) // the target says v1 runs: v1 is "already live" by the target's word
		_, err = f.rollback(alice, 1)
		refusal(t, err, core.CodeAlreadyLive)
		f.dep.SetLive(art(3))

		missing := core.Artifact{Kind: core.TargetOSS, Ref: "web/manifest.gone.json"}
		_, _, err = f.eng.Record(f.ctx, core.RecordRequest{Actor: alice, App: "web", Artifact: missing})
		refusal(t, err, core.CodeArtifactUnknown)
		f.dep.Add(missing.Ref)
		_, _, err = f.eng.Record(f.ctx, core.RecordRequest{Actor: alice, App: "web", Artifact: missing})
		require.NoError(t, err)
		f.dep.Remove(missing.Ref) // deleted from the target after it was recorded
		f.dep.SetLive(art(3))
		_, err = f.rollback(alice, 4)
		refusal(t, err, core.CodeCheckFailed)

		_, err = f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: alice, App: "web", Version: 2, Urgent: true})
		refusal(t, err, core.CodeUrgentNeedsReason)

		p, err := f.rollback(alice, 2)
		require.NoError(t, err)
		r := refusal(t, second(f.rollback(alice, 1)), core.CodeActiveExists)
		assert.Equal(t, p.Release.Label(), r.Reasons[0].Args["release"])

		_, err = f.eng.Approve(f.ctx, alice, p.Release.ID, "")
		refusal(t, err, core.CodeNotApprover)
		_, err = f.eng.Approve(f.ctx, eve, p.Release.ID, "")
		refusal(t, err, core.CodeNotApprover)
		_, err = f.eng.Approve(f.ctx, bob, 999, "")
		refusal(t, err, core.CodeReleaseNotFound)
		_, err = f.eng.Reject(f.ctx, carol, p.Release.ID, "not now")
		require.NoError(t, err)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		refusal(t, err, core.CodeAlreadyDecided)

		events, err := f.store.Audit(f.ctx, core.AuditFilter{Kind: core.AuditRefusal})
		require.NoError(t, err)
		assert.GreaterOrEqual(t, len(events), 11, "every refusal is audited")
	})
}

func second[A, B any](_ A, b B) B { return b }

func TestFailedVersionAndSelfApproval(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		f.dep.FailNext("copy refused")
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		require.NoError(t, f.worker("w").Execute(f.ctx, p.Release.ID))
		failed, err := f.eng.Release(f.ctx, p.Release.ID)
		require.NoError(t, err)
		assert.Equal(t, core.StatusFailed, failed.Status)
		assert.Contains(t, failed.Error, "copy refused")
		locks, err := f.store.Locks(f.ctx, "web")
		require.NoError(t, err)
		assert.Empty(t, locks, "a failed rollback releases the run lock and freezes nothing")

		_, err = f.rollback(alice, 3)
		refusal(t, err, core.CodeVersionNotOK)
	}, func(a *core.App) { a.Approvers = append(a.Approvers, "alice") })
}

func TestSelfApprovalRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		_, err = f.eng.Approve(f.ctx, alice, p.Release.ID, "")
		refusal(t, err, core.CodeSelfApproval)
	}, func(a *core.App) { a.Approvers = append(a.Approvers, "alice") })
}

func TestTwoApproversNeeded(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		r, err := f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		assert.Equal(t, core.StatusPendingApproval, r.Status)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		refusal(t, err, core.CodeAlreadyApproved)
		r, err = f.eng.Approve(f.ctx, carol, p.Release.ID, "")
		require.NoError(t, err)
		assert.Equal(t, core.StatusApproved, r.Status)
		assert.Len(t, r.Approvals, 2)
	}, func(a *core.App) { a.Policy.Rollback.Approvals = 2 })
}
