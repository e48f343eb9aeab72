// Package deploytest is the contract every core.Deployer passes: the script,
// Kubernetes, OSS and mini-program targets each run it against their own
// emulator or fake.
package deploytest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// Harness is one deployer under test, wired to its emulator.
type Harness struct {
	Deployer core.Deployer
	App      string
	// Artifacts are two distinct artifacts that exist and can be deployed.
	Artifacts [2]core.Artifact
	// Missing is an artifact that does not exist on the target.
	Missing core.Artifact
	// FailNext makes the next Deploy fail part-way with cause in its error.
	FailNext func(cause string)
	// HangNext makes the next Deploy wait (for a rollout, a copy, a script)
	// until its context is cancelled.
	HangNext func()
	// LandNext, when set, makes the next Deploy's change reach the target
	// while its answer never arrives (the client times out or the
	// connection is lost): reading the target again must show the artifact
	// live, and core.JudgeDeployError must not call the deploy failed.
	LandNext func()
}

// Run runs the contract against deployers made by newHarness (a fresh
// target per subtest).
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("deploy then live reports it", func(t *testing.T) { deployThenLive(t, newHarness(t)) })
	t.Run("deploying what is live is idempotent", func(t *testing.T) { redeployLive(t, newHarness(t)) })
	t.Run("missing artifact refused by check", func(t *testing.T) { missingRefused(t, newHarness(t)) })
	t.Run("failure keeps live truthful", func(t *testing.T) { failureTruthful(t, newHarness(t)) })
	t.Run("cancel stops waiting", func(t *testing.T) { cancelStops(t, newHarness(t)) })
	t.Run("a deploy that timed out but landed reads as landed", func(t *testing.T) { landedAfterTimeout(t, newHarness(t)) })
}

// landedAfterTimeout: the worker asks the target again after a deploy
// error, so a deploy that landed though its answer was lost must read as
// live (DeployVerifier.Landed when the deployer has it, else Live) and be
// judged succeeded — or unknown, settled by the next read — never failed.
// A deployer that noticed the landing itself may return nil.
func landedAfterTimeout(t *testing.T, h Harness) {
	if h.LandNext == nil {
		t.Skip("the harness cannot make a deploy land without its answer")
	}
	ctx := context.Background()
	require.NoError(t, h.Deployer.Deploy(ctx, request(h, h.Artifacts[0], 1, &bytes.Buffer{})))
	h.LandNext()
	dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req := request(h, h.Artifacts[1], 2, &bytes.Buffer{})
	if err := h.Deployer.Deploy(dctx, req); err != nil {
		st, rerr := core.JudgeDeployError(ctx, h.Deployer, req, err)
		assert.NotEqual(t, core.StatusFailed, st, "a deploy that landed is not failed (deploy error %v, read %v)", err, rerr)
		if st == core.StatusUnknown {
			// The next live read settles it.
			st, rerr = core.JudgeDeployError(ctx, h.Deployer, req, err)
			assert.Equal(t, core.StatusSucceeded, st, "settled by the next read (read %v)", rerr)
		}
	}
	if v, ok := h.Deployer.(core.DeployVerifier); ok {
		landed, err := v.Landed(ctx, req)
		require.NoError(t, err)
		assert.True(t, landed, "the deploy landed")
		other, err := v.Landed(ctx, request(h, h.Artifacts[0], 1, &bytes.Buffer{}))
		require.NoError(t, err)
		assert.False(t, other, "an earlier deploy is not what is live")
	}
	live, err := h.Deployer.Live(ctx)
	if errors.Is(err, core.ErrLiveUnknown) {
		return
	}
	require.NoError(t, err)
	assert.True(t, live.Same(h.Artifacts[1]), "live %+v, landed %+v", live, h.Artifacts[1])
}

func request(h Harness, a core.Artifact, id core.ReleaseID, log *bytes.Buffer) core.DeployRequest {
	return core.DeployRequest{App: h.App, ReleaseID: id, Version: int(id), Kind: core.KindRollback,
		Requester: "user1", Artifact: a, Log: log}
}

func deployThenLive(t *testing.T, h Harness) {
	ctx := context.Background()
	for i, a := range h.Artifacts {
		require.NoError(t, h.Deployer.Check(ctx, a), "check artifact %d", i)
		require.NoError(t, h.Deployer.Deploy(ctx, request(h, a, core.ReleaseID(i+1), &bytes.Buffer{})))
		live, err := h.Deployer.Live(ctx)
		if errors.Is(err, core.ErrLiveUnknown) {
			continue
		}
		require.NoError(t, err)
		assert.True(t, live.Same(a), "live %+v, deployed %+v", live, a)
	}
}

func redeployLive(t *testing.T, h Harness) {
	ctx := context.Background()
	a := h.Artifacts[0]
	require.NoError(t, h.Deployer.Deploy(ctx, request(h, a, 1, &bytes.Buffer{})))
	require.NoError(t, h.Deployer.Deploy(ctx, request(h, a, 2, &bytes.Buffer{})), "deploying the live artifact again")
	live, err := h.Deployer.Live(ctx)
	if errors.Is(err, core.ErrLiveUnknown) {
		return
	}
	require.NoError(t, err)
	assert.True(t, live.Same(a))
}

func missingRefused(t *testing.T, h Harness) {
	ctx := context.Background()
	require.NoError(t, h.Deployer.Deploy(ctx, request(h, h.Artifacts[0], 1, &bytes.Buffer{})))
	err := h.Deployer.Check(ctx, h.Missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), h.Missing.Ref, "the refusal names the artifact")
	live, err := h.Deployer.Live(ctx)
	if !errors.Is(err, core.ErrLiveUnknown) {
		require.NoError(t, err)
		assert.True(t, live.Same(h.Artifacts[0]), "a refused check changes nothing")
	}
}

func failureTruthful(t *testing.T, h Harness) {
	ctx := context.Background()
	require.NoError(t, h.Deployer.Deploy(ctx, request(h, h.Artifacts[0], 1, &bytes.Buffer{})))
	h.FailNext("injected-fault")
	err := h.Deployer.Deploy(ctx, request(h, h.Artifacts[1], 2, &bytes.Buffer{}))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, h.App, "the failure names the app")
	assert.Contains(t, msg, h.Artifacts[1].Label(), "the failure names the artifact")
	assert.True(t, strings.Contains(msg, "injected-fault") || len(msg) > len(h.App)+len(h.Artifacts[1].Label())+10,
		"the failure names its cause: %s", msg)
	live, err := h.Deployer.Live(ctx)
	if errors.Is(err, core.ErrLiveUnknown) {
		return
	}
	require.NoError(t, err)
	assert.True(t, live.Same(h.Artifacts[0]) || live.Same(h.Artifacts[1]),
		"live after a failure is one of the two artifacts, reported truthfully: %+v", live)
}

func cancelStops(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(context.Background())
	h.HangNext()
	done := make(chan error, 1)
	go func() { done <- h.Deployer.Deploy(ctx, request(h, h.Artifacts[1], 3, &bytes.Buffer{})) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Deploy did not return after its context was cancelled")
	}
}
