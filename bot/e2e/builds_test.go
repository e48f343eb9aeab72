package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

// buildConsole is what a good build of web prints.
var buildConsole = []string{"+ npm ci", "+ npm run build", "+ ossutil cp -r dist/ oss://web-static/web/",
	"Archiving artifacts"}

// goodBuild is the job's usual outcome: it runs briefly and archives the
// artifact file naming the hashed manifest it uploaded.
func (h *harness) goodBuild() jenkinsemu.Outcome {
	return jenkinsemu.Outcome{Duration: 40 * time.Millisecond, Console: buildConsole, ArtifactFunc: h.archive}
}

// endlessBuild runs until stopped or finished by the test.
func (h *harness) endlessBuild() jenkinsemu.Outcome {
	o := h.goodBuild()
	o.UntilStopped = true
	return o
}

// brokenBuild is what feature/broken's builds do: the tests fail.
func brokenBuild() jenkinsemu.Outcome {
	return jenkinsemu.Outcome{Result: jenkinsemu.ResultFailure, Duration: 20 * time.Millisecond, Console: []string{
		"+ npm ci", "+ npm test", "FAIL src/flaky.spec.js", "  ✕ totals are rounded (12 ms)",
		"npm ERR! Test failed.  See above for more details.", "ERROR: script returned exit code 1"}}
}

// archive does what docs/jenkins.md asks of a pipeline: upload the hashed
// manifest, then archive dingops-artifact.json naming it. It runs under the
// Jenkins emulator's lock, so it touches only the OSS emulator.
func (h *harness) archive(b jenkinsemu.BuildInfo) []byte {
	id, commit := b.Param(jenkins.ParamReleaseID), b.Param(jenkins.ParamCommit)
	body := fmt.Sprintf(`{"main":"assets/main.%s.js","release":%q}`, short(commit), id)
	sum := sha256.Sum256([]byte(body))
	key := "web/manifest." + hex.EncodeToString(sum[:3]) + ".json"
	o := h.oss.Seed(bucket, key, []byte(body), immutableJSON())
	h.mu.Lock()
	h.built[id] = key
	h.mu.Unlock()
	etag := strings.Trim(o.ETag, `"`)
	if h.cfg.quotedETag {
		etag = o.ETag
	}
	data, err := jenkins.EncodeArtifact(core.BuildResult{Commit: commit,
		Artifact: core.Artifact{Kind: core.TargetOSS, Ref: key, Digest: etag}})
	if err != nil {
		return []byte(err.Error()) // the builder refuses it and says why
	}
	return data
}

// builtKey is the manifest key the build of release id uploaded.
func (h *harness) builtKey(id core.ReleaseID) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.built[fmt.Sprint(int64(id))]
}

// immutableJSON is how a build uploads hashed manifests: cached forever.
func immutableJSON() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"public, max-age=31536000, immutable"}}
}

func short(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// triggers counts the buildWithParameters POSTs Jenkins received.
func (h *harness) triggers() int {
	n := 0
	for _, r := range h.jenkins.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/buildWithParameters") {
			n++
		}
	}
	return n
}
