package faults

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
)

// TestDrainOnSIGTERM: SIGTERM reaches the replica while OSS holds its
// CopyObject. The replica stops taking work but drains: the copy is
// retried after its attempt timeout, the rollback succeeds, the process
// exits 0 and leaves nothing claimed.
func TestDrainOnSIGTERM(t *testing.T) {
	t.Parallel()
	w, r := drainInFlight(t)
	assert.Equal(t, core.StatusSucceeded, r.Status, "the deploy in flight finished before the exit")
	w.checkDeployedOnce(r.ID)
	w.checkLive()
	w.checkUnclaimed()
}

// TestDrainUpdatesCard: after the drain above, the card shows the end and
// the requester was told, before the process exits.
func TestDrainUpdatesCard(t *testing.T) {
	t.Parallel()
	w, r := drainInFlight(t)
	card, _ := w.dt.Card(w.cardOf(r.ID).OutTrackID)
	assert.Equal(t, string(core.StatusSucceeded), card.Data["status"], "the card was brought up to date before the exit")
	assert.Equal(t, 1, w.toldRequester(r), "the requester was told before the exit")
}

// drainInFlight approves a rollback, holds its copy at OSS, sends SIGTERM
// and waits for the exit, which must be 0 after "drained; bye".
func drainInFlight(t *testing.T) (*world, core.Release) {
	w := newWorld(t, func(s *settings) { s.Apps, s.OSSTimeout = 1, 2*time.Second })
	a := w.start("replica-a")
	id := w.request("web1", 1)
	w.oss.InjectFault(ossemu.Fault{Op: ossemu.OpCopyObject, Hang: true})
	w.approve(id)
	w.waitCopyHeld()

	code, err := a.term(w.set.Drain + patience)
	require.NoError(t, err)
	assert.Equal(t, 0, code, "a drained replica exits 0:\n%s", a.tail(20))
	assert.Equal(t, 1, a.logged("drained; bye"))
	r, err := w.st.Release(w.ctx, id)
	require.NoError(t, err)
	return w, r
}
