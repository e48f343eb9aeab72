package jenkinsemu_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
)

func TestBuildLifecycle(t *testing.T) {
	emu, clk, c := start(t, jenkinsemu.Options{QuietPeriod: -1})
	art := []byte(`{"kind":"oss","manifest_key":"web/manifest.1.json"}`)
	lines := []string{"one", "two", "three", "four"}
	require.NoError(t, emu.AddJob("a/b/my app", jenkinsemu.JobOptions{}))
	require.NoError(t, emu.SetBranchOutcome("a/b/my app", "main",
		jenkinsemu.Outcome{Duration: 4 * time.Second, Console: lines, Artifact: art}))
	job := "/job/a/job/b/job/my%20app"
	resp, _ := c.do(http.MethodPost, job+"/buildWithParameters", params("3"))
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	b := c.json(job + "/1/api/json")
	assert.Equal(t, true, b["building"])
	assert.Nil(t, b["result"])
	assert.Equal(t, emu.URL()+"/job/a/job/b/job/my%20app/1/", b["url"])
	assert.Equal(t, float64(1), b["queueId"])

	clk.Advance(2 * time.Second)
	resp, text := c.do(http.MethodGet, job+"/1/logText/progressiveText?start=0", nil)
	assert.Equal(t, "Started by user dingops\none\ntwo\n", text)
	assert.Equal(t, "true", resp.Header.Get("X-More-Data"))
	size := resp.Header.Get("X-Text-Size")
	assert.Equal(t, "32", size)

	clk.Advance(2 * time.Second)
	resp, text = c.do(http.MethodGet, job+"/1/logText/progressiveText?start="+size, nil)
	assert.Equal(t, "three\nfour\nFinished: SUCCESS\n", text)
	assert.Empty(t, resp.Header.Get("X-More-Data"))
	_, text = c.do(http.MethodGet, job+"/1/logText/progressiveText?start=9999", nil)
	assert.True(t, strings.HasPrefix(text, "Started by"), "a start past the end restarts at 0")

	b = c.json(job + "/1/api/json")
	assert.Equal(t, "SUCCESS", b["result"])
	assert.Equal(t, float64(4000), b["duration"])
	_, got := c.do(http.MethodGet, job+"/1/artifact/dingops-artifact.json", nil)
	assert.Equal(t, string(art), got)
}

func TestJobFolderAndInspection(t *testing.T) {
	emu, _, c := start(t, jenkinsemu.Options{QuietPeriod: -1})
	require.NoError(t, emu.AddJob("a/b/my app", jenkinsemu.JobOptions{Outcome: jenkinsemu.Outcome{Artifact: []byte("{}")}}))
	job := "/job/a/job/b/job/my%20app"
	for _, id := range []string{"1", "2", "3"} {
		resp, _ := c.do(http.MethodPost, job+"/buildWithParameters", params(id))
		require.Equal(t, http.StatusCreated, resp.StatusCode)
	}
	j := c.json(job + "/api/json?tree=builds[number,queueId,actions[parameters[name,value]]]{0,2}")
	require.Len(t, j["builds"], 2, "the {m,n} range")
	assert.Equal(t, float64(3), j["builds"].([]any)[0].(map[string]any)["queueId"], "newest first")
	j = c.json(job + "/api/json")
	assert.NotContains(t, j["builds"].([]any)[0], "queueId", "without a tree builds carry number and url")
	f := c.json("/job/a/job/b/api/json")
	assert.Equal(t, "my app", f["jobs"].([]any)[0].(map[string]any)["name"])
	assert.Equal(t, "b", c.json("/job/a/api/json")["jobs"].([]any)[0].(map[string]any)["name"])

	info, ok := emu.Build("a/b/my app", 2)
	require.True(t, ok)
	assert.Equal(t, "2", info.Param("DINGOPS_RELEASE_ID"))
	assert.Equal(t, []string{"dingops-artifact.json"}, info.Artifacts)
	assert.Len(t, emu.Builds(""), 3)
	assert.Len(t, emu.Queue(), 3, "left items still answer")
	assert.Equal(t, []jenkinsemu.JobInfo{{Path: "a/b/my app", URL: emu.URL() + job + "/",
		Parameters: jenkinsemu.DingopsParameters(), Builds: 3}}, emu.Jobs())
}

func TestStopAndManualBuild(t *testing.T) {
	emu, _, c := start(t, jenkinsemu.Options{QuietPeriod: -1})
	require.NoError(t, emu.AddJob("web", jenkinsemu.JobOptions{Outcome: jenkinsemu.Outcome{UntilStopped: true}}))
	c.do(http.MethodPost, "/job/web/buildWithParameters", params("1"))
	c.do(http.MethodPost, "/job/web/buildWithParameters", params("2"))
	require.NoError(t, emu.AppendConsole("web", 1, "working\n"))
	resp, _ := c.do(http.MethodPost, "/job/web/1/stop", nil)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	b, _ := emu.Build("web", 1)
	assert.Equal(t, "ABORTED", b.Result)
	assert.Contains(t, emu.Console("web", 1), "working\nAborted by dingops\nFinished: ABORTED\n")
	assert.Empty(t, b.Artifacts)

	b, ok := emu.Build("web", 2)
	require.True(t, ok, "the blocked item starts once the first build ended")
	require.NoError(t, emu.FinishBuild("web", 2, jenkinsemu.ResultFailure))
	b, _ = emu.Build("web", 2)
	assert.Equal(t, "FAILURE", b.Result)
	assert.Error(t, emu.FinishBuild("web", 2, jenkinsemu.ResultSuccess))
}

func TestFaultsAndRecord(t *testing.T) {
	emu, _, c := start(t, jenkinsemu.Options{})
	emu.FailNext(2)
	resp, _ := c.do(http.MethodGet, "/api/json", nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	emu.InjectFault(jenkinsemu.Fault{Method: http.MethodPost, PathPrefix: "/queue/", Status: http.StatusBadGateway})
	resp, _ = c.do(http.MethodGet, "/api/json", nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	resp, _ = c.do(http.MethodPost, "/queue/cancelItem?id=3", nil)
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	resp, _ = c.do(http.MethodGet, "/api/json", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	reqs := emu.Requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, "/queue/cancelItem", reqs[2].Path)
	assert.Equal(t, "id=3", reqs[2].Query)
	assert.Equal(t, http.StatusBadGateway, reqs[2].Status)
}
