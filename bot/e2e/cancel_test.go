package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

// TestCancelWhileBuildingStopsTheBuild: /cancel during the Jenkins build
// stops it (it ends ABORTED) and the release ends cancelled; the app is free
// for the next release at once.
func TestCancelWhileBuildingStopsTheBuild(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		require.NoError(t, h.jenkins.SetOutcome(job, h.endlessBuild()))
		id := h.request("alice", "/release web feature/login")
		h.waitStep(id, core.StepBuilding)
		n := h.runningBuild()

		label := h.release(id).Label()
		assert.Equal(t, "Cancelled "+label+".", h.say("alice", fmt.Sprintf("/cancel %d", id)).Text)
		require.Eventually(t, func() bool {
			b, _ := h.jenkins.Build(job, n)
			return b.Result == jenkinsemu.ResultAborted
		}, 10*time.Second, 5*time.Millisecond, "the Jenkins build was stopped")
		cancelled := h.waitStep(id, core.StepCancelled)
		assert.Contains(t, cancelled.Card.Markdown, "cancelled: by alice")
		assert.Contains(t, h.jenkins.Console(job, n), "Aborted by "+jenkinsUser)

		require.NoError(t, h.jenkins.SetOutcome(job, h.goodBuild()))
		next := h.request("alice", "/release web feature/login again")
		h.waitStep(next, core.StepSucceeded)
		assert.Equal(t, core.StatusCancelled, h.release(id).Status, "the cancelled release stays cancelled")
		source, _ := h.live()
		assert.Equal(t, h.builtKey(next), source)
	})
}

// TestCancelWhileDeployingIsRefused: once deploying, /cancel is refused and
// the deploy finishes.
func TestCancelWhileDeployingIsRefused(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		gate := newGate(t)
		w := h.newReplica("replica-2", replicaConfig{hook: func(id core.ReleaseID, at core.Step) error {
			if r, err := h.store.Release(h.ctx, id); err == nil && at == core.StepDeploying && r.Status == core.StatusDeploying {
				gate.hold()
			}
			return nil
		}})
		w.run()
		id := h.request("alice", "/release web feature/login")
		gate.waitHeld()
		label := h.release(id).Label()
		assert.Equal(t, label+" is deploying and cannot be cancelled (not once deploying has started).",
			h.refused("alice", fmt.Sprintf("/cancel %d", id)))
		gate.open()
		h.waitStep(id, core.StepSucceeded)
		source, _ := h.live()
		assert.Equal(t, h.builtKey(id), source)
	}, withoutWorker())
}

// TestCancelBeforeTheBuildStartedLeavesNoBuild: a /cancel that lands after
// the claim (status building) but before the worker triggered Jenkins must
// not leave a build running that nobody follows.
func TestCancelBeforeTheBuildStartedLeavesNoBuild(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		require.NoError(t, h.jenkins.SetOutcome(job, h.endlessBuild()))
		gate := newGate(t)
		w := h.newReplica("replica-2", replicaConfig{hook: func(_ core.ReleaseID, at core.Step) error {
			if at == core.StepBuilding {
				gate.hold()
			}
			return nil
		}})
		w.run()
		id := h.request("alice", "/release web feature/login")
		gate.waitHeld()
		h.say("alice", fmt.Sprintf("/cancel %d", id))
		gate.open()
		w.halt() // waits for the worker to finish with the release
		assert.Equal(t, core.StatusCancelled, h.release(id).Status)
		for _, b := range h.jenkins.Builds(job) {
			assert.False(t, b.Building, "build #%d of the cancelled release is still running", b.Number)
		}
		for _, it := range h.jenkins.Queue() {
			assert.True(t, it.Class == "LeftItem", "queue item %d of the cancelled release still waits", it.ID)
		}
	}, withoutWorker())
}

// runningBuild waits until the job has a running build and returns its number.
func (h *harness) runningBuild() int {
	h.t.Helper()
	n := 0
	require.Eventually(h.t, func() bool {
		for _, b := range h.jenkins.Builds(job) {
			if b.Building {
				n = b.Number
			}
		}
		return n > 0
	}, 10*time.Second, 5*time.Millisecond, "a build of %s is running", job)
	return n
}

// gate holds a worker inside its hook until the test opens it; the test's
// cleanup opens it too, so a failed test never leaves a worker stuck.
type gate struct {
	t      *testing.T
	held   chan struct{}
	opened chan struct{}
	once   sync.Once
	first  sync.Once
}

func newGate(t *testing.T) *gate {
	g := &gate{t: t, held: make(chan struct{}), opened: make(chan struct{})}
	t.Cleanup(g.open)
	return g
}

// hold blocks the first caller until open; later callers pass.
func (g *gate) hold() {
	g.first.Do(func() {
		close(g.held)
		<-g.opened
	})
}

func (g *gate) waitHeld() {
	g.t.Helper()
	select {
	case <-g.held:
	case <-time.After(20 * time.Second):
		g.t.Fatal("the worker never reached the hook")
	}
}

func (g *gate) open() { g.once.Do(func() { close(g.opened) }) }
