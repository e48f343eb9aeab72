package core_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// approvedRollback records v1..v3 and has bob approve a rollback to v2.
func (f *fixture) approvedRollback() core.ReleaseID {
	f.record(3)
	p, err := f.rollback(alice, 2)
	require.NoError(f.t, err)
	r, err := f.eng.Approve(f.ctx, bob, p.Release.ID, "")
	require.NoError(f.t, err)
	return r.ID
}

// TestTimedOutDeployThatLanded: the deploy reports a timeout but the
// target, read again, runs the artifact: the release succeeded.
func TestTimedOutDeployThatLanded(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		id := f.approvedRollback()
		f.dep.LandNext()
		require.NoError(t, f.worker("w1").Execute(f.ctx, id))
		r, err := f.eng.Release(f.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, core.StatusSucceeded, r.Status, r.Error)
		live, err := f.store.Live(f.ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, id, live.ID)
	})
}

// TestTimedOutDeployUnknownThenSettled: the deploy times out and the
// target cannot be read: the release ends unknown (not failed, not live),
// shown as such; the next live read (a /status) settles it succeeded.
func TestTimedOutDeployUnknownThenSettled(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		id := f.approvedRollback()
		f.dep.LandNext()
		f.dep.FailLive(errors.New("target unreachable"))
		require.NoError(t, f.worker("w1").Execute(f.ctx, id))
		r, err := f.eng.Release(f.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, core.StatusUnknown, r.Status)
		assert.Contains(t, r.Error, "outcome unknown")
		_, ok := f.notes.WaitFor(id, core.StepUnknown, 0)
		assert.True(t, ok, "the card and the requester hear of it")
		st, err := f.eng.Status(f.ctx, "web")
		require.NoError(t, err)
		require.NotNil(t, st.Unknown, "/status shows the open outcome")
		assert.Equal(t, 3, st.Live.Version, "not live until settled")

		f.dep.FailLive(nil)
		st, err = f.eng.Status(f.ctx, "web")
		require.NoError(t, err)
		assert.Nil(t, st.Unknown)
		assert.Equal(t, id, st.Live.ID, "settled: the rollback is live")
		r, err = f.eng.Release(f.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, core.StatusSucceeded, r.Status)
	})
}

// TestUnknownSettledFailed: the target, once readable, runs something
// else: the unknown release is settled failed.
func TestUnknownSettledFailed(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		id := f.approvedRollback()
		f.dep.HangNext()
		f.dep.FailLive(errors.New("target unreachable"))
		w := f.worker("w1")
		require.NoError(t, w.Execute(cancelSoon(f), id))
		r, err := f.eng.Release(f.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, core.StatusUnknown, r.Status, r.Error)
		f.dep.FailLive(nil)
		_, err = f.eng.Status(f.ctx, "web")
		require.NoError(t, err)
		r, err = f.eng.Release(f.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, core.StatusFailed, r.Status)
	})
}

// TestCertainFailureIsFailed: a deploy error that cannot have landed is
// failed at once, even when the target cannot be read.
func TestCertainFailureIsFailed(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		id := f.approvedRollback()
		f.dep.FailNext("403 AccessDenied")
		f.dep.FailLive(errors.New("target unreachable"))
		require.NoError(t, f.worker("w1").Execute(f.ctx, id))
		r, err := f.eng.Release(f.ctx, id)
		require.NoError(t, err)
		assert.Equal(t, core.StatusFailed, r.Status)
		// serve's log says so (it said nothing when a release failed).
		logs := f.logs.String()
		assert.Contains(t, logs, `"level":"WARN","msg":"release failed"`)
		assert.Contains(t, logs, `"release":`+strconv.FormatInt(int64(id), 10))
		assert.Contains(t, logs, "403 AccessDenied")
	})
}

// TestRollbackWhenTargetUnreadable: asking to roll back to the version the
// store believes live, while the target cannot be read, says the target
// cannot be read rather than "already at vN".
func TestRollbackWhenTargetUnreadable(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(3)
		f.dep.FailLive(errors.New("target unreachable"))
		_, err := f.rollback(alice, 3)
		refusal(t, err, core.CodeLiveUnreadable)
		f.dep.FailLive(nil)
		_, err = f.rollback(alice, 3)
		refusal(t, err, core.CodeAlreadyLive)
	})
}

// TestRollbackToStoreLiveKeepsItUnmarked: v4 landed unrecorded (the store
// still believes v3 live); a rollback to v3 makes v3's artifact live again
// and must not mark v3 itself rolled back.
func TestRollbackToStoreLiveKeepsItUnmarked(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(3)
		f.dep.SetLive(art(9)) // the target moved behind the store's back
		p, err := f.rollback(alice, 3)
		require.NoError(t, err)
		r, err := f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		require.NoError(t, f.worker("w1").Execute(f.ctx, r.ID))
		v3, err := f.store.ReleaseByVersion(f.ctx, "web", 3)
		require.NoError(t, err)
		assert.False(t, v3.RolledBack, "the restored release is not rolled back")
	})
}

// cancelSoon is a context whose deadline ends a hung deploy.
func cancelSoon(f *fixture) context.Context {
	ctx, cancel := context.WithTimeout(f.ctx, 200*time.Millisecond)
	f.t.Cleanup(cancel)
	return ctx
}
