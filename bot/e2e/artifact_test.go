package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

// readDocs reads docs/jenkins.md, the contract these tests hold the
// pipeline to.
func readDocs(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "jenkins.md"))
	require.NoError(t, err)
	return string(b)
}

// TestDocsArtifactExamplesDecode: every JSON example of docs/jenkins.md is
// an artifact file the builder accepts, one per target kind.
func TestDocsArtifactExamplesDecode(t *testing.T) {
	t.Parallel()
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(readDocs(t), -1)
	var kinds []string
	for _, b := range blocks {
		res, err := jenkins.DecodeArtifact([]byte(b[1]))
		require.NoError(t, err, b[1])
		kinds = append(kinds, string(res.Artifact.Kind))
	}
	sort.Strings(kinds)
	assert.Equal(t, []string{string(core.TargetContainer), string(core.TargetMiniApp), string(core.TargetOSS)}, kinds)
}

// TestDocsDeclareTheParameters: the table and the Jenkinsfile of
// docs/jenkins.md name exactly the parameters the builder sends.
func TestDocsDeclareTheParameters(t *testing.T) {
	t.Parallel()
	docs := readDocs(t)
	sent := []string{jenkins.ParamApp, jenkins.ParamBranch, jenkins.ParamCommit, jenkins.ParamVersion,
		jenkins.ParamRequester, jenkins.ParamReleaseID}
	assert.Equal(t, jenkinsemu.DingopsParameters(), sent)
	var table, declared []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(DINGOPS_[A-Z_]+)` \\|").FindAllStringSubmatch(docs, -1) {
		table = append(table, m[1])
	}
	for _, m := range regexp.MustCompile(`string\(name: '(DINGOPS_[A-Z_]+)'`).FindAllStringSubmatch(docs, -1) {
		declared = append(declared, m[1])
	}
	assert.Equal(t, sent, table, "the parameter table")
	assert.Equal(t, sent, declared, "the Jenkinsfile's parameters block")
	assert.Contains(t, docs, "archiveArtifacts artifacts: '"+jenkins.DefaultArtifactName+"'")
}

// TestQuotedETagMatchesWhatIsLive: a build that writes the ETag in quotes,
// as OSS sends it, must record an artifact the target later reports as the
// same one.
func TestQuotedETagMatchesWhatIsLive(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		id := h.request("alice", "/release web feature/login")
		h.waitStep(id, core.StepSucceeded)
		assert.NotContains(t, h.say("alice", "/status web").Text, "disagree")
		resp := h.say("alice", "/rollback web login page broken")
		require.NotNil(t, resp.Release, resp.Text)
		assert.Equal(t, h.v1.Version, resp.Release.RollbackOf, "the default target is v1, not what is live")
	}, withQuotedETag())
}
