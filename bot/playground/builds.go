package playground

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

// buildTime is how long a playground build runs: long enough to watch the
// card say "building", short enough not to wait.
const buildTime = 3 * time.Second

// jobs are the Jenkins jobs of playground.yaml, by app.
func jobs() map[string]string {
	return map[string]string{"web": "shop/web", "api": "shop/api", "mini": "shop/mini"}
}

// addJobs creates one job per app. Each build does what docs/jenkins.md
// asks of a pipeline: put the artifact where the target finds it, then
// archive dingops-artifact.json naming it.
func (e *emulators) addJobs() error {
	outcomes := map[string]jenkinsemu.Outcome{
		"web":  {Duration: buildTime, Console: console("npm ci", "npm run build", "ossutil cp -r dist/ oss://"+bucket+"/web/"), ArtifactFunc: e.buildWeb},
		"api":  {Duration: buildTime, Console: console("go test ./...", "docker build -t "+imageRepo+" .", "docker push "+imageRepo), ArtifactFunc: e.buildAPI},
		"mini": {Duration: buildTime, Console: console("npm ci", "npm run build:mini", "miniprogram-ci upload --agent "+agentID), ArtifactFunc: e.buildMini},
	}
	for app, job := range jobs() {
		o := jenkinsemu.JobOptions{Outcome: outcomes[app]}
		if app == "web" { // web's release option (playground.yaml) is a job parameter
			o.Parameters = append(jenkinsemu.DingopsParameters(), "cdn_refresh")
		}
		if err := e.jenkins.AddJob(job, o); err != nil {
			return err
		}
	}
	return nil
}

func console(steps ...string) []string {
	out := []string{"[Pipeline] Start of Pipeline", "+ git checkout $DINGOPS_COMMIT"}
	for _, s := range steps {
		out = append(out, "+ "+s)
	}
	return append(out, "Archiving artifacts", "[Pipeline] End of Pipeline")
}

// artifactFile is the archived dingops-artifact.json; a build that cannot
// say what it made archives the reason, which the builder refuses.
func artifactFile(commit string, a core.Artifact, err error) []byte {
	if err == nil {
		var data []byte
		if data, err = jenkins.EncodeArtifact(core.BuildResult{Commit: commit, Artifact: a}); err == nil {
			return data
		}
	}
	return []byte(err.Error())
}

// buildWeb uploads the hashed manifest and its assets of this build.
func (e *emulators) buildWeb(b jenkinsemu.BuildInfo) []byte {
	commit := b.Param(jenkins.ParamCommit)
	a := e.seedWeb(webHash(commit + "/" + b.Param(jenkins.ParamReleaseID)))
	return artifactFile(commit, a, nil)
}

// buildAPI pushes the image, tagged with the commit.
func (e *emulators) buildAPI(b jenkinsemu.BuildInfo) []byte {
	commit := b.Param(jenkins.ParamCommit)
	image := imageOf(commit)
	_, err := e.reg.Push(image)
	return artifactFile(commit, core.Artifact{Kind: core.TargetContainer, Ref: image}, err)
}

// buildMini uploads a new development version of the mini program.
func (e *emulators) buildMini(b jenkinsemu.BuildInfo) []byte {
	commit := b.Param(jenkins.ParamCommit)
	versions, _ := e.dt.MiniAppVersions(agentID)
	next := 0
	for _, v := range versions {
		next = max(next, minor(v.Version)+1)
	}
	version := fmt.Sprintf("1.%d.0", next)
	id, err := e.dt.UploadMiniAppVersion(agentID, version)
	return artifactFile(commit, core.Artifact{Kind: core.TargetMiniApp, Ref: strconv.FormatInt(id, 10), Display: version}, err)
}

// minor is N of a "1.N.0" version, -1 for anything else.
func minor(v string) int {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return -1
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return n
}

func imageOf(commit string) string { return imageRepo + ":" + short(commit) }

func short(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// webHash names one build of web: its manifest is web/manifest.<hash>.json.
func webHash(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:3])
}

// Web's hashed files: the manifest's content follows from its hash alone,
// so a restart can put back exactly what a build uploaded (same bytes, same
// ETag) from the key the store recorded.
func manifestKey(hash string) string { return "web/manifest." + hash + ".json" }

func manifestBody(hash string) []byte {
	return fmt.Appendf(nil, `{"main.js":"assets/main.%s.js","main.css":"assets/main.%s.css"}`, hash, hash)
}

// hashOf is the hash in a manifest key, "" if the key is not one.
func hashOf(key string) string {
	h, ok := strings.CutPrefix(key, "web/manifest.")
	h, ok2 := strings.CutSuffix(h, ".json")
	if !ok || !ok2 || h == "" || strings.Contains(h, "/") {
		return ""
	}
	return h
}

// seedWeb stores a build's assets and hashed manifest, cached forever as a
// build uploads them, and returns the manifest's artifact.
func (e *emulators) seedWeb(hash string) core.Artifact {
	immutable := func(ct string) http.Header {
		return http.Header{"Content-Type": {ct}, "Cache-Control": {"public, max-age=31536000, immutable"}}
	}
	e.oss.Seed(bucket, "web/assets/main."+hash+".js", fmt.Appendf(nil, "// shop web, build %s\nrender(document.body)\n", hash),
		immutable("text/javascript"))
	e.oss.Seed(bucket, "web/assets/main."+hash+".css", []byte("body { margin: 0 }\n"), immutable("text/css"))
	o := e.oss.Seed(bucket, manifestKey(hash), manifestBody(hash), immutable("application/json"))
	return core.Artifact{Kind: core.TargetOSS, Ref: manifestKey(hash), Digest: strings.Trim(o.ETag, `"`)}
}
