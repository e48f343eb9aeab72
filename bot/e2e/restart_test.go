package e2e

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

var errDied = errors.New("the process died")

// TestRestartAfterTriggerFindsTheSameBuild: replica A's worker got its
// trigger out to Jenkins and died (abandoned at the building step by its
// hook) before it recorded the build; once A's lease lapsed, replica B
// resumes the release, finds the build by its release tag and follows it —
// Jenkins is never asked for a second build.
func TestRestartAfterTriggerFindsTheSameBuild(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		require.NoError(t, h.jenkins.SetOutcome(job, h.endlessBuild()))
		var a *replica
		a = h.newReplica("replica-a", replicaConfig{hook: func(id core.ReleaseID, at core.Step) error {
			if at != core.StepBuilding {
				return nil
			}
			r, err := h.store.Release(h.ctx, id)
			if err != nil {
				return err
			}
			_, err = h.trigger().Start(h.ctx, core.BuildRequest{App: r.App, Job: job, Branch: r.Branch, Commit: r.Commit,
				ReleaseID: r.ID, Version: r.Version, Requester: r.Requester})
			return errors.Join(errDied, err)
		}})
		id := h.request("alice", "/release web feature/login")
		require.ErrorIs(t, a.worker.Execute(h.ctx, id), core.ErrAbandoned)
		r := h.release(id)
		require.Equal(t, core.StatusBuilding, r.Status)
		require.Empty(t, r.BuildRef, "A died before recording the build")
		n := h.runningBuild()

		h.clock.Advance(31 * time.Second) // A's lease lapses
		h.newReplica("replica-b", replicaConfig{}).run()
		building := h.waitStep(id, core.StepBuilding)
		assert.Equal(t, "replica-b", building.Replica)
		ref, err := jenkins.ParseRef(building.Message)
		require.NoError(t, err)
		assert.Equal(t, n, h.buildOf(ref), "B follows A's build")
		require.NoError(t, h.jenkins.FinishBuild(job, n, jenkinsemu.ResultSuccess))
		h.waitStep(id, core.StepSucceeded)
		h.checkOneBuild(id)
	}, withoutWorker())
}

// TestRestartWhileFollowingTheBuild: replica A recorded the build and was
// following it when it stopped answering (its connections hang); once its
// lease lapsed, replica B resumes from the recorded build ref and the
// release succeeds with that one build.
func TestRestartWhileFollowingTheBuild(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		require.NoError(t, h.jenkins.SetOutcome(job, h.endlessBuild()))
		dead := &deadTransport{}
		a := h.newReplica("replica-a", replicaConfig{lease: time.Hour, http: &http.Client{Transport: dead}})
		id := h.request("alice", "/release web feature/login")
		ctx, cancel := context.WithCancel(h.ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- a.worker.Execute(ctx, id) }()
		building := h.waitStep(id, core.StepBuilding)
		require.Equal(t, "replica-a", building.Replica)
		n := h.runningBuild()
		dead.kill()

		h.clock.Advance(time.Hour + time.Second) // A's lease lapses
		h.newReplica("replica-b", replicaConfig{}).run()
		require.Eventually(t, func() bool { return h.resumedBy(id, "replica-b") }, 20*time.Second, 5*time.Millisecond)
		require.NoError(t, h.jenkins.FinishBuild(job, n, jenkinsemu.ResultSuccess))
		done2 := h.waitStep(id, core.StepSucceeded)
		assert.Equal(t, "replica-b", done2.Replica)
		h.checkOneBuild(id)

		cancel() // A's hung requests end; it must leave the finished release alone
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(20 * time.Second):
			t.Fatal("replica A never returned")
		}
		assert.Equal(t, core.StatusSucceeded, h.release(id).Status)
	}, withoutWorker())
}

// buildOf is the build number a ref names, once Jenkins started it.
func (h *harness) buildOf(ref jenkins.Ref) int {
	if ref.Build > 0 {
		return ref.Build
	}
	for _, it := range h.jenkins.Queue() {
		if it.ID == ref.Queue {
			return it.Build
		}
	}
	return 0
}

// resumedBy reports whether worker took release id over.
func (h *harness) resumedBy(id core.ReleaseID, worker string) bool {
	evs, err := h.store.Audit(h.ctx, core.AuditFilter{App: "web", ReleaseID: id})
	if err != nil {
		return false
	}
	for _, ev := range evs {
		if strings.Contains(ev.Detail, "resumed") && strings.Contains(ev.Detail, worker) {
			return true
		}
	}
	return false
}

// checkOneBuild: Jenkins got one trigger and ran one build, and the release
// went live with what that build produced.
func (h *harness) checkOneBuild(id core.ReleaseID) {
	t := h.t
	assert.Equal(t, 1, h.triggers(), "one buildWithParameters")
	assert.Equal(t, 1, h.jenkins.QueueItemsCreated(), "one queue item")
	builds := h.jenkins.Builds(job)
	require.Len(t, builds, 1)
	assert.Equal(t, jenkinsemu.ResultSuccess, builds[0].Result)
	r := h.release(id)
	assert.Equal(t, core.StatusSucceeded, r.Status)
	assert.Equal(t, h.builtKey(id), r.Artifact.Ref)
	source, _ := h.live()
	assert.Equal(t, r.Artifact.Ref, source)
	assert.True(t, h.resumedBy(id, "replica-b"), "the audit says who resumed it")
}

// trigger is a Jenkins client as replica A's builder is, for a test that
// plays A getting its trigger out before it dies.
func (h *harness) trigger() *jenkins.Builder {
	b, err := jenkins.New(jenkins.Config{URL: h.jenkins.URL(), User: jenkinsUser, Token: jenkinsToken})
	require.NoError(h.t, err)
	return b
}
