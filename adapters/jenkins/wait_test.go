package jenkins

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

func TestProgressiveConsole(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	require.NoError(t, e.emu.SetOutcome("web", jenkinsemu.Outcome{UntilStopped: true, Artifact: artifactJSON}))
	ref, err := e.b.Start(ctx(t), request("web", 1))
	require.NoError(t, err)
	log := &syncBuffer{}
	done := e.waitAsync(ctx(t), e.b, ref, log)
	e.running("web", 1)
	for _, step := range []string{"compiling\n", "testing\n", "packaging"} {
		require.NoError(t, e.emu.AppendConsole("web", 1, step))
		require.Eventually(t, func() bool { return strings.HasSuffix(log.String(), step) },
			10*time.Second, time.Millisecond, "the console reaches the log while the build runs")
	}
	require.NoError(t, e.emu.FinishBuild("web", 1, jenkinsemu.ResultSuccess))
	w := <-done
	require.NoError(t, w.err)
	assert.Equal(t, imageRef, w.res.Artifact.Ref)
	assert.Equal(t, "Started by user dingops\ncompiling\ntesting\npackagingFinished: SUCCESS\n", log.String())
	assert.Equal(t, e.emu.Console("web", 1), log.String(), "nothing repeated, nothing lost")
	var starts []string
	for _, r := range e.emu.Requests() {
		if strings.HasSuffix(r.Path, "/progressiveText") && r.Query != "start=0" {
			starts = append(starts, r.Query)
		}
	}
	assert.Contains(t, starts, "start=42", "later reads start where the last ended")
}

func TestFailureReportsConsoleTail(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	var lines []string
	for i := range 100 {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	require.NoError(t, e.emu.SetBranchOutcome("web", "feature/login",
		jenkinsemu.Outcome{Result: jenkinsemu.ResultFailure, Console: lines}))
	ref, err := e.b.Start(ctx(t), request("web", 3))
	require.NoError(t, err)
	res, err := e.b.Wait(ctx(t), ref, nil)
	var be *core.BuildError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "FAILURE", be.Result)
	assert.Equal(t, "web#1?queue=1&release=3", be.Ref)
	tail := strings.Split(be.LogTail, "\n")
	require.Len(t, tail, tailLines)
	assert.Equal(t, "line 61", tail[0])
	assert.Equal(t, "Finished: FAILURE", tail[len(tail)-1])
	assert.Equal(t, e.emu.URL()+"/job/web/1/", res.URL)
}

func TestExpiredQueueItemFoundByScan(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{LeftItemTTL: time.Nanosecond}, "web")
	ref, err := e.b.Start(ctx(t), request("web", 4))
	require.NoError(t, err)
	res, err := e.b.Wait(ctx(t), ref, nil)
	require.NoError(t, err)
	assert.Equal(t, imageRef, res.Artifact.Ref)
	assert.Equal(t, []string{"GET /queue/item/1/api/json 404"}, e.requests("/queue/item/"))
}

func TestRestartMidBuildResumesTheSameBuild(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "team/web")
	require.NoError(t, e.emu.SetOutcome("team/web", jenkinsemu.Outcome{UntilStopped: true, Artifact: artifactJSON}))
	req := request("team/web", 8)
	ref, err := e.b.Start(ctx(t), req)
	require.NoError(t, err)
	crashed, crash := context.WithCancel(ctx(t))
	done := e.waitAsync(crashed, e.b, ref, &syncBuffer{})
	e.running("team/web", 1)
	crash()
	require.ErrorIs(t, (<-done).err, context.Canceled)

	restarted := e.builder()
	again, err := restarted.Start(ctx(t), req)
	require.NoError(t, err)
	assert.Equal(t, "team/web#1?queue=1&release=8", again)
	log := &syncBuffer{}
	resumed := e.waitAsync(ctx(t), restarted, ref, log)
	require.NoError(t, e.emu.AppendConsole("team/web", 1, "still here\n"))
	require.NoError(t, e.emu.FinishBuild("team/web", 1, jenkinsemu.ResultSuccess))
	w := <-resumed
	require.NoError(t, w.err)
	assert.Equal(t, imageRef, w.res.Artifact.Ref)
	assert.Contains(t, log.String(), "still here")
	assert.Len(t, e.emu.Builds(""), 1, "never a second build")
	assert.Equal(t, 1, e.emu.QueueItemsCreated())
}

func TestGetsAreRetriedOn5xx(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	ref, err := e.b.Start(ctx(t), request("web", 1))
	require.NoError(t, err)
	e.emu.InjectFault(jenkinsemu.Fault{Method: http.MethodGet, PathPrefix: "/queue/item/", Count: 2,
		Status: http.StatusServiceUnavailable})
	e.emu.InjectFault(jenkinsemu.Fault{Method: http.MethodGet, PathPrefix: "/job/web/1/artifact/",
		Status: http.StatusInternalServerError})
	_, err = e.b.Wait(ctx(t), ref, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /queue/item/1/api/json 503", "GET /queue/item/1/api/json 503",
		"GET /queue/item/1/api/json 200"}, e.requests("/queue/item/"))

	e.emu.InjectFault(jenkinsemu.Fault{Method: http.MethodGet, Count: 4, Status: http.StatusBadGateway})
	_, err = e.b.Wait(ctx(t), ref, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GET /queue/item/1/api/json answered 502 (Jenkins server error): Bad Gateway")
}

func TestArtifactProblems(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	require.NoError(t, e.emu.SetBranchOutcome("web", "none", jenkinsemu.Outcome{}))
	require.NoError(t, e.emu.SetBranchOutcome("web", "bad", jenkinsemu.Outcome{Artifact: []byte(`{"kind":"vm"}`)}))
	for i, c := range []struct{ branch, want string }{
		{"none", "build web#1?queue=1&release=1 succeeded but archived no dingops-artifact.json"},
		{"bad", `reading dingops-artifact.json of build web#2?queue=2&release=2: artifact file: kind "vm"`},
	} {
		req := request("web", core.ReleaseID(i+1))
		req.Branch = c.branch
		ref, err := e.b.Start(ctx(t), req)
		require.NoError(t, err)
		_, err = e.b.Wait(ctx(t), ref, nil)
		assert.ErrorContains(t, err, c.want)
	}
}
