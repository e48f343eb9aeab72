package jenkins

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

func TestStartAndWaitInFolders(t *testing.T) {
	for _, job := range []string{"web", "team/web", "team/front end/web"} {
		t.Run(job, func(t *testing.T) {
			e := newEnv(t, jenkinsemu.Options{ContextPath: "/jenkins"}, job)
			ref, err := e.b.Start(ctx(t), request(job, 123))
			require.NoError(t, err)
			r, err := ParseRef(ref)
			require.NoError(t, err)
			assert.Equal(t, Ref{Job: job, Queue: 1, Release: 123}, r)
			assert.Equal(t, []string{"POST " + "/jenkins" + jobPath(job) + "/buildWithParameters 201"},
				e.requests("/buildWithParameters"))

			log := &syncBuffer{}
			res, err := e.b.Wait(ctx(t), ref, log)
			require.NoError(t, err)
			assert.Equal(t, core.Artifact{Kind: core.TargetContainer, Ref: imageRef,
				Digest: imageRef[len(imageRef)-71:], Display: "web@sha256:0123456789ab"}, res.Artifact)
			assert.Equal(t, commitSHA, res.Commit)
			assert.Equal(t, []core.Commit{{SHA: commitSHA, Author: "lilei", Subject: "fix login"}}, res.Commits)
			assert.Equal(t, e.emu.URL()+jobPath(job)+"/1/", res.URL)
			assert.Equal(t, e.emu.Console(job, 1), log.String())

			b, _ := e.emu.Build(job, 1)
			want := map[string]string{ParamApp: "web", ParamBranch: "feature/login", ParamCommit: commitSHA,
				ParamVersion: "57", ParamRequester: "lilei", ParamReleaseID: "123"}
			for name, v := range want {
				assert.Equal(t, v, b.Param(name), name)
			}
		})
	}
}

func TestTriggerMergedIntoWaitingItem(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	e.emu.SetExecutors(0)
	req := request("web", 5)
	q1, err := e.b.trigger(ctx(t), req)
	require.NoError(t, err)
	q2, err := e.b.trigger(ctx(t), req)
	require.NoError(t, err, "a 303 is a success")
	assert.Equal(t, q1, q2, "the 303's Location is the waiting item")
	assert.Equal(t, []string{"POST /job/web/buildWithParameters 201", "POST /job/web/buildWithParameters 303"},
		e.requests("/buildWithParameters"))
	assert.Equal(t, 1, e.emu.QueueItemsCreated())

	e.emu.SetExecutors(1)
	res, err := e.b.Wait(ctx(t), Ref{Job: "web", Queue: q1, Release: 5}.String(), nil)
	require.NoError(t, err)
	assert.Equal(t, imageRef, res.Artifact.Ref)
}

func TestStartFindsTheReleaseInsteadOfTriggering(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "team/web")
	e.emu.SetExecutors(0)
	ref, err := e.b.Start(ctx(t), request("team/web", 9))
	require.NoError(t, err)
	_, err = e.b.Start(ctx(t), request("team/web", 10))
	require.NoError(t, err, "another release of the same job")

	again, err := e.builder().Start(ctx(t), request("team/web", 9))
	require.NoError(t, err)
	assert.Equal(t, ref, again, "a restarted worker finds the queued item")

	e.emu.SetExecutors(2)
	_, err = e.b.Wait(ctx(t), ref, nil)
	require.NoError(t, err)
	again, err = e.builder().Start(ctx(t), request("team/web", 9))
	require.NoError(t, err)
	assert.Equal(t, "team/web#1?queue=1&release=9", again, "and then the build")
	assert.Equal(t, 2, e.emu.QueueItemsCreated())
	assert.Len(t, e.requests("/buildWithParameters"), 2)
}

func TestCrumbAfter403(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{RequireCrumb: true}, "web")
	ref, err := e.b.Start(ctx(t), request("web", 1))
	require.NoError(t, err)
	var got []string
	for _, r := range e.emu.Requests() {
		if r.Method == http.MethodPost || r.Path == "/crumbIssuer/api/json" {
			got = append(got, r.Method+" "+r.Path+" "+http.StatusText(r.Status))
		}
	}
	assert.Equal(t, []string{"POST /job/web/buildWithParameters Forbidden", "GET /crumbIssuer/api/json OK",
		"POST /job/web/buildWithParameters Created"}, got)
	_, err = e.b.Wait(ctx(t), ref, nil)
	require.NoError(t, err)
	require.NoError(t, e.b.Stop(ctx(t), ref), "stopping an ended build does nothing")
	assert.Len(t, e.requests("/crumbIssuer"), 1, "the crumb is kept")
	assert.Equal(t, []string{"POST /job/web/1/stop 302"}, e.requests("/stop"))
}

func TestTriggerFailureLooksBeforeTryingAgain(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	e.emu.InjectFault(jenkinsemu.Fault{Method: http.MethodPost, Status: http.StatusBadGateway})
	_, err := e.b.Start(ctx(t), request("web", 1))
	require.NoError(t, err)
	assert.Equal(t, []string{"POST /job/web/buildWithParameters 502", "POST /job/web/buildWithParameters 201"},
		e.requests("/buildWithParameters"))

	// The trigger takes effect but its answer never comes.
	e.cfg.RequestTimeout = 300 * time.Millisecond
	b := e.builder()
	e.emu.InjectFault(jenkinsemu.Fault{Method: http.MethodPost, LoseResponse: true})
	ref, err := b.Start(ctx(t), request("web", 2))
	require.NoError(t, err)
	r, err := ParseRef(ref)
	require.NoError(t, err)
	assert.Equal(t, core.ReleaseID(2), r.Release)
	assert.Equal(t, 2, e.emu.QueueItemsCreated(), "the lost trigger is found, not repeated")
	assert.Len(t, e.requests("/buildWithParameters"), 3)
}

func TestTriggerErrors(t *testing.T) {
	e := newEnv(t, jenkinsemu.Options{}, "web")
	require.NoError(t, e.emu.AddJob("off", jenkinsemu.JobOptions{Disabled: true}))
	require.NoError(t, e.emu.AddJob("plain", jenkinsemu.JobOptions{Parameters: []string{}}))
	require.NoError(t, e.emu.AddJob("partial", jenkinsemu.JobOptions{Parameters: []string{ParamApp}}))
	cases := []struct {
		job, token string
		want       []string
	}{
		{"web", "wrong", []string{"/queue/api/json answered 401", "bad credentials", "Invalid password/token"}},
		{"nope", testToken, []string{"GET /job/nope/api/json answered 404", "no such job"}},
		{"off", testToken, []string{"POST /job/off/buildWithParameters answered 409", "job disabled", "off is not buildable"}},
		{"plain", testToken, []string{"job plain does not declare the string parameter DINGOPS_RELEASE_ID"}},
		{"partial", testToken, []string{"job partial does not declare the string parameter DINGOPS_RELEASE_ID"}},
	}
	for _, c := range cases {
		e.cfg.Token = c.token
		_, err := e.builder().Start(ctx(t), request(c.job, 1))
		require.Error(t, err, c.job)
		for _, w := range c.want {
			assert.Contains(t, err.Error(), w, c.job)
		}
	}
	assert.Len(t, e.requests("/job/off/buildWithParameters"), 1, "a permanent refusal is not retried")
	assert.Empty(t, e.requests("/job/plain/buildWithParameters"), "an untaggable build is never triggered")
	assert.Zero(t, e.emu.QueueItemsCreated())
}

func TestNewChecksConfig(t *testing.T) {
	_, err := New(Config{URL: "ci.example.com", User: "u", Token: "t"})
	assert.ErrorContains(t, err, "not an http(s) URL")
	_, err = New(Config{URL: "https://ci.example.com"})
	assert.ErrorContains(t, err, "user and API token")
	cfg := Config{URL: "https://ci.example.com", User: "u", Token: testToken}
	assert.NotContains(t, cfg.String(), testToken)
	b, err := New(cfg)
	require.NoError(t, err)
	_, err = b.Start(ctx(t), core.BuildRequest{Job: "web"})
	assert.ErrorContains(t, err, "no release id")
	_, err = b.Start(ctx(t), core.BuildRequest{Job: "a//b", ReleaseID: 1})
	assert.ErrorContains(t, err, "bad job path")
}
