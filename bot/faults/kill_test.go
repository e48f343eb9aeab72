package faults

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

// TestKillDuringDeploy: the replica whose worker claimed an approved
// rollback is killed with SIGKILL while OSS holds its CopyObject. Once its
// lease lapses, another replica (or the same one restarted) resumes the
// release: the release ends succeeded once, the audit names the resume,
// the card shows the end, the run lock is gone, and OSS switched the key
// once (the held copy never landed).
func TestKillDuringDeploy(t *testing.T) {
	t.Parallel()
	t.Run("another replica finishes", func(t *testing.T) {
		t.Parallel()
		killDuringDeploy(t, false)
	})
	t.Run("the restarted replica finishes", func(t *testing.T) {
		t.Parallel()
		killDuringDeploy(t, true)
	})
}

func killDuringDeploy(t *testing.T, restart bool) {
	w := newWorld(t)
	rs := []*replica{w.start("replica-a")}
	if !restart {
		rs = append(rs, w.start("replica-b"))
	}
	id := w.request("web1", 1)
	w.oss.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Hang: true})
	w.approve(id)
	w.waitCopyHeld()

	victim, survivor := w.split(rs, w.claimer(id))
	require.NotNil(t, victim, "the claimer %q is one of ours", w.claimer(id))
	w.checkRunLock("web1", victim.id)
	victim.kill()
	if restart {
		survivor = w.start("replica-a-restarted")
	}

	w.waitStatus(id, core.StatusSucceeded, patience)
	assert.True(t, w.resumedBy(id, survivor.id), "the audit shows %s resumed the release", survivor.name)
	var held int
	for _, r := range w.copies(id) {
		if r.Code == "Hang" {
			held++
		}
	}
	assert.Equal(t, 1, held, "the killed replica's copy was held and never answered")
	w.checkDeployedOnce(id)
	w.checkLive()
	w.checkSettled()
}

// waitCopyHeld waits until OSS holds a CopyObject (its hang fault taken).
func (w *world) waitCopyHeld() {
	w.t.Helper()
	require.NoError(w.t, poll(patience, func() bool { return len(w.oss.Faults()) == 0 }), "a CopyObject reaches OSS")
}

// split finds the replica with worker id among rs, and one other alive.
func (w *world) split(rs []*replica, id string) (match, other *replica) {
	for _, r := range rs {
		switch {
		case r.id == id:
			match = r
		case r.alive() && other == nil:
			other = r
		}
	}
	return match, other
}

// checkRunLock: app's run lock is held by worker.
func (w *world) checkRunLock(appName, worker string) {
	w.t.Helper()
	locks, err := w.st.Locks(w.ctx, appName)
	require.NoError(w.t, err)
	for _, l := range locks {
		if l.Kind == core.LockRun {
			assert.Equal(w.t, worker, l.Holder, "the run lock names the claimer")
			return
		}
	}
	w.t.Errorf("no run lock on %s while its release deploys", appName)
}
