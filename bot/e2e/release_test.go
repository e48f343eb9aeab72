package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/core"
)

// TestCleanReleaseThenRollback: a clean branch is checked, built by Jenkins
// and switched live on OSS, with the card following each step; the release
// records its artifact, commit and commits, which a later rollback card
// shows; the rollback then freezes releases.
func TestCleanReleaseThenRollback(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		resp := h.say("alice", "/release web feature/login new login page")
		require.False(t, resp.Refused, resp.Text)
		require.NotNil(t, resp.Card, resp.Text)
		id := resp.Release.ID
		assert.Equal(t, []string{chatID}, resp.CardChats)
		assert.Equal(t, fmt.Sprintf("%s needs no approval and has started.", resp.Release.Label()), resp.Text)
		assert.Contains(t, resp.Card.Markdown, "- **Branch**: feature/login "+repo.LoginHead[:7])
		assert.Contains(t, resp.Card.Markdown, repo.Login[1].SHA[:7]+" add login page (Alice)")

		done := h.waitStep(id, core.StepSucceeded)
		assert.Equal(t, []core.Step{core.StepQueued, core.StepBuilding, core.StepDeploying, core.StepSucceeded},
			h.chat.steps(id), "the card follows the work in order")
		checkCards(t, h, id)
		assert.Contains(t, done.Card.Markdown, "✅ Succeeded in")

		r := h.release(id)
		key := h.builtKey(id)
		require.NotEmpty(t, key, "the build uploaded a manifest")
		obj, ok := h.oss.Object(bucket, key)
		require.True(t, ok)
		assert.Equal(t, core.TargetOSS, r.Artifact.Kind)
		assert.Equal(t, key, r.Artifact.Ref)
		assert.Equal(t, obj.ETag[1:len(obj.ETag)-1], r.Artifact.Digest, "the manifest's ETag, checked at deploy")
		assert.NotEmpty(t, r.Artifact.Display)
		assert.Equal(t, repo.LoginHead, r.Commit)
		assert.Equal(t, repo.Login, r.Commits, "the commits since v1, newest first")
		source, body := h.live()
		assert.Equal(t, key, source, "the fixed manifest now holds the build's manifest")
		assert.Equal(t, string(obj.Body), body)
		checkJenkinsBuild(t, h, r)

		rollbackShowsCommits(t, h, r)
	})
}

// checkCards looks at the card of each step.
func checkCards(t *testing.T, h *harness, id core.ReleaseID) {
	queued, _ := h.chat.step(id, core.StepQueued)
	assert.NotContains(t, queued.Card.Markdown, "**Build**", "work started, no build yet")

	building, _ := h.chat.step(id, core.StepBuilding)
	ref, err := jenkins.ParseRef(building.Message)
	require.NoError(t, err, "the building update carries the build ref")
	assert.Equal(t, job, ref.Job)
	assert.Equal(t, id, ref.Release)
	assert.Contains(t, building.Card.Markdown, "- **Status**: building")
	assert.NotContains(t, building.Card.Markdown, building.Message, "the card shows no internal handle")
	if ref.Build == 0 {
		assert.Contains(t, building.Card.Markdown, "- **Build**: queued, not started yet")
	}

	deploying, _ := h.chat.step(id, core.StepDeploying)
	assert.Contains(t, deploying.Card.Markdown, "- **Status**: deploying")
	number := h.jenkins.Builds(job)[0].Number
	assert.Contains(t, deploying.Card.Markdown, fmt.Sprintf("- **Build**: [#%d](%s/job/%s/%d/)", number, h.jenkins.URL(), strings.ReplaceAll(job, "/", "/job/"), number),
		"the build's number, linked to its Jenkins page")
	assert.NotContains(t, deploying.Card.Markdown, "queue=")
	assert.Contains(t, deploying.Card.Markdown, "- **Artifact**: "+deploying.Release.Artifact.Display)

	progress := h.chat.progress(id)
	assert.Contains(t, progress, "+ npm run build", "Jenkins' console shows as progress")
	assert.Contains(t, progress, "switched web/manifest.json to", "the deploy's output shows as progress")
	for _, e := range h.chat.of(id) {
		if e.Step == core.StepProgress && e.Message == "+ npm run build" {
			assert.Contains(t, e.Card.Markdown, "- **Progress**: + npm run build")
		}
	}
}

// checkJenkinsBuild: one build, triggered once, with the six parameters.
func checkJenkinsBuild(t *testing.T, h *harness, r core.Release) {
	builds := h.jenkins.Builds(job)
	require.Len(t, builds, 1)
	assert.Equal(t, 1, h.triggers())
	b := builds[0]
	assert.Equal(t, "SUCCESS", b.Result)
	assert.Equal(t, []string{"dingops-artifact.json"}, b.Artifacts)
	for name, want := range map[string]string{
		jenkins.ParamApp: "web", jenkins.ParamBranch: "feature/login", jenkins.ParamCommit: repo.LoginHead,
		jenkins.ParamVersion: strconv.Itoa(r.Version), jenkins.ParamRequester: "alice",
		jenkins.ParamReleaseID: strconv.FormatInt(int64(r.ID), 10),
	} {
		assert.Equal(t, want, b.Param(name), name)
	}
}

// rollbackShowsCommits asks to roll back to v1: the card lists the commits
// the release brought, and once done the app is frozen for releases.
func rollbackShowsCommits(t *testing.T, h *harness, rel core.Release) {
	h.clock.Advance(10 * 60e9)
	resp := h.say("alice", "/rollback web v1 login page breaks checkout")
	require.NotNil(t, resp.Card, resp.Text)
	rb := resp.Release.ID
	assert.Contains(t, resp.Card.Markdown, "- **Commits undone**: "+repo.Login[0].SHA[:7]+" style login page (Bob); "+
		repo.Login[1].SHA[:7]+" add login page (Alice)", "git log v1..v2")
	assert.Contains(t, resp.Card.Markdown, fmt.Sprintf("v%d · %s", rel.Version, rel.Artifact.Display), "live now")

	h.say("bob", fmt.Sprintf("/approve %d", rb))
	h.waitStep(rb, core.StepSucceeded)
	source, _ := h.live()
	assert.Equal(t, v1Key, source, "v1's manifest is back")
	assert.True(t, h.release(rel.ID).RolledBack)

	got := h.refused("alice", "/release web feature/login again")
	assert.Equal(t, "web has a release freeze after a rollback by alice since 11-26 11:11 CST: rollback to v1. "+
		"/unlock web lifts it.", got)
}

// TestBuildFailureShowsConsoleTail: a failed Jenkins build fails the release
// with the console's last lines on the card; nothing is deployed.
func TestBuildFailureShowsConsoleTail(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		id := h.request("alice", "/release web feature/broken")
		failed := h.waitStep(id, core.StepFailed)
		assert.Equal(t, []core.Step{core.StepQueued, core.StepBuilding, core.StepFailed}, h.chat.steps(id))
		md := failed.Card.Markdown
		assert.Contains(t, md, "❌ Failed: build FAILURE")
		assert.Contains(t, md, "Output (tail)")
		assert.Contains(t, md, "npm ERR! Test failed.  See above for more details.")
		assert.Contains(t, md, "ERROR: script returned exit code 1\nFinished: FAILURE\n```")
		r := h.release(id)
		assert.Equal(t, core.StatusFailed, r.Status)
		assert.Contains(t, r.Output, "FAIL src/flaky.spec.js", "the tail is kept with the release")
		assert.True(t, r.Artifact.IsZero())
		source, _ := h.live()
		assert.Equal(t, v1Key, source, "nothing was deployed")
		builds := h.jenkins.Builds(job)
		require.Len(t, builds, 1)
		assert.Equal(t, "FAILURE", builds[0].Result)
	})
}
