package jenkins

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

func TestStopWhileQueued(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	e.emu.SetExecutors(0)
	ref, err := e.b.Start(ctx(t), request("web", 1))
	require.NoError(t, err)
	done := e.waitAsync(ctx(t), e.b, ref, nil)
	require.NoError(t, e.b.Stop(ctx(t), ref))
	assert.Equal(t, []string{"POST /queue/cancelItem 204"}, e.requests("/queue/cancelItem"))

	w := <-done
	var be *core.BuildError
	require.ErrorAs(t, w.err, &be)
	assert.Equal(t, "ABORTED", be.Result)
	assert.Contains(t, be.LogTail, "queue item 1 of web was cancelled before the build started")
	q := e.emu.Queue()
	require.Len(t, q, 1)
	assert.True(t, q[0].Cancelled)

	e.emu.SetExecutors(1)
	require.NoError(t, e.b.Stop(ctx(t), ref), "stopping a cancelled item again is fine")
	assert.Empty(t, e.emu.Builds(""), "the cancelled item never builds")
}

func TestStopWhileRunning(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "team/web")
	require.NoError(t, e.emu.SetOutcome("team/web", jenkinsemu.Outcome{UntilStopped: true, Artifact: artifactJSON}))
	ref, err := e.b.Start(ctx(t), request("team/web", 2))
	require.NoError(t, err)
	log := &syncBuffer{}
	done := e.waitAsync(ctx(t), e.b, ref, log)
	e.running("team/web", 1)

	require.NoError(t, e.builder().Stop(ctx(t), ref), "a queue ref is followed to its build")
	w := <-done
	var be *core.BuildError
	require.ErrorAs(t, w.err, &be)
	assert.Equal(t, "ABORTED", be.Result)
	assert.Contains(t, be.LogTail, "Aborted by dingops\nFinished: ABORTED")
	assert.Equal(t, []string{"POST /job/team/job/web/1/stop 302"}, e.requests("/stop"))
	b, _ := e.emu.Build("team/web", 1)
	assert.Equal(t, "ABORTED", b.Result)
	assert.Empty(t, b.Artifacts)
}

func TestStopAfterTheItemExpired(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	require.NoError(t, e.emu.SetOutcome("web", jenkinsemu.Outcome{UntilStopped: true}))
	ref, err := e.b.Start(ctx(t), request("web", 6))
	require.NoError(t, err)
	e.running("web", 1)
	e.emu.InjectFault(jenkinsemu.Fault{PathPrefix: "/queue/item/", Status: 404})
	require.NoError(t, e.b.Stop(ctx(t), ref), "found by the build scan")
	b, _ := e.emu.Build("web", 1)
	assert.Equal(t, "ABORTED", b.Result)
}

func TestWaitTimeoutStopsTheBuild(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{QuietPeriod: -1}, "web")
	require.NoError(t, e.emu.SetOutcome("web", jenkinsemu.Outcome{UntilStopped: true}))
	e.cfg.BuildTimeout = 300 * time.Millisecond
	b := e.builder()
	ref, err := b.Start(ctx(t), request("web", 41))
	require.NoError(t, err)
	_, err = b.Wait(ctx(t), ref, nil)
	var be *core.BuildError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "TIMEOUT", be.Result)
	assert.Contains(t, be.LogTail, "jenkins.timeout")
}
