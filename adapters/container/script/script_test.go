package script_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/container/script"
	"github.com/dingops/dingops/adapters/deploytest"
	"github.com/dingops/dingops/core"
)

// deployScript is a tiny target: images/ holds the deployable images, live
// the one running; a fail, hang or land marker file makes the next run
// misbehave (land: the change is made, then the script never finishes, as a
// deploy tool whose connection to the cluster stalled after applying).
const deployScript = `set -eu
test -f "images/$DINGOPS_ARTIFACT" || { echo "no image $DINGOPS_ARTIFACT"; exit 3; }
if [ -f hang ]; then rm hang; sleep 60; fi
if [ -f land ]; then rm land; printf '%s\n' "$DINGOPS_ARTIFACT" > live; sleep 60; fi
if [ -f fail ]; then echo "$(cat fail)"; rm fail; exit 1; fi
echo "deploying $DINGOPS_ARTIFACT for release $DINGOPS_RELEASE_ID (v$DINGOPS_VERSION)"
printf '%s\n' "$DINGOPS_ARTIFACT" > live
echo "$DINGOPS_RELEASE_ID" >> runs
`

func harness(t *testing.T) deploytest.Harness {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "images"), 0o755))
	for _, img := range []string{"reg/web:v1", "reg/web:v2"} {
		p := filepath.Join(dir, "images", img)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	}
	d, err := script.New(script.Config{App: "web", Dir: dir,
		Command:      []string{"sh", "-c", deployScript},
		LiveCommand:  []string{"sh", "-c", "cat live 2>/dev/null || true"},
		CheckCommand: []string{"sh", "-c", `test -f "images/$DINGOPS_ARTIFACT" || { echo "image $DINGOPS_ARTIFACT not in registry"; exit 1; }`},
	}, nil)
	require.NoError(t, err)
	art := func(ref string) core.Artifact { return core.Artifact{Kind: core.TargetContainer, Ref: ref} }
	return deploytest.Harness{Deployer: d, App: "web", Artifacts: [2]core.Artifact{art("reg/web:v1"), art("reg/web:v2")},
		Missing: art("reg/web:v404"),
		FailNext: func(cause string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "fail"), []byte(cause), 0o644))
		},
		HangNext: func() { require.NoError(t, os.WriteFile(filepath.Join(dir, "hang"), nil, 0o644)) },
		LandNext: func() { require.NoError(t, os.WriteFile(filepath.Join(dir, "land"), nil, 0o644)) },
	}
}

func TestContract(t *testing.T) { deploytest.Run(t, harness) }

func TestEnvironmentAndOutput(t *testing.T) {
	h := harness(t)
	var log captured
	err := h.Deployer.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: 57, Version: 4,
		Kind: core.KindRollback, Artifact: h.Artifacts[1], Log: &log})
	require.NoError(t, err)
	assert.Contains(t, log.String(), "deploying reg/web:v2 for release 57 (v4)")
}

func TestLiveUnknownWithoutCommand(t *testing.T) {
	d, err := script.New(script.Config{App: "web", Command: []string{"true"}}, nil)
	require.NoError(t, err)
	_, err = d.Live(context.Background())
	assert.ErrorIs(t, err, core.ErrLiveUnknown)
	assert.Error(t, d.Check(context.Background(), core.Artifact{Ref: "a\nb"}))
	_, err = script.New(script.Config{App: "web"}, nil)
	assert.Error(t, err)
}

// TestErrorsWrapTheCause: a failing check, deploy or live command keeps its
// exit error in the chain (errors.As), not only its text.
func TestErrorsWrapTheCause(t *testing.T) {
	ctx := context.Background()
	d, err := script.New(script.Config{App: "web", Command: []string{"false"}, CheckCommand: []string{"false"},
		LiveCommand: []string{"false"}}, nil)
	require.NoError(t, err)
	var exit *exec.ExitError
	assert.ErrorAs(t, d.Check(ctx, core.Artifact{Ref: "reg/web:v1"}), &exit, "check")
	assert.ErrorAs(t, d.Deploy(ctx, core.DeployRequest{App: "web", Artifact: core.Artifact{Ref: "reg/web:v1"}}), &exit, "deploy")
	_, err = d.Live(ctx)
	assert.ErrorAs(t, err, &exit, "live")
}

type captured struct{ b []byte }

func (c *captured) Write(p []byte) (int, error) { c.b = append(c.b, p...); return len(p), nil }
func (c *captured) String() string              { return string(c.b) }

// TestMinimalEnvironment: a command sees the release variables, the base
// variables and the app's allow-list, and none of dingops's secrets.
func TestMinimalEnvironment(t *testing.T) {
	host := map[string]string{"PATH": os.Getenv("PATH"), "HOME": "/home/dingops", "KUBECONFIG": "/etc/kube",
		"DINGOPS_API_TOKEN": "canary-api-token", "OSS_SECRET": "canary-oss", "DINGOPS_FAULTS_DSN": "postgres://u:canary-pw@db/x"}
	d, err := script.New(script.Config{App: "web", Command: []string{"env"}, PassEnv: []string{"KUBECONFIG", "UNSET"},
		Env: []string{"EXTRA=1"}, Getenv: func(k string) string { return host[k] }}, nil)
	require.NoError(t, err)
	var log captured
	require.NoError(t, d.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: 9, Version: 2,
		Kind: core.KindRelease, Artifact: core.Artifact{Ref: "reg/web:v2"}, Log: &log}))
	got := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		k, _, _ := strings.Cut(l, "=")
		got[k] = true
	}
	for _, k := range []string{"PATH", "HOME", "KUBECONFIG", "EXTRA", "DINGOPS_APP", "DINGOPS_ARTIFACT", "DINGOPS_RELEASE_ID"} {
		assert.True(t, got[k], "%s passed: %s", k, log.String())
	}
	assert.NotContains(t, log.String(), "canary")
	assert.False(t, got["UNSET"])
}

func TestReleaseOptionsReachTheCommand(t *testing.T) {
	d, err := script.New(script.Config{App: "web", Dir: t.TempDir(),
		Command: []string{"sh", "-c", `echo "env=$DINGOPS_OPT_ENV cdn=$DINGOPS_OPT_CDN_ON"`}}, nil)
	require.NoError(t, err)
	var log captured
	err = d.Deploy(context.Background(), core.DeployRequest{App: "web", ReleaseID: 3, Version: 1, Kind: core.KindRelease,
		Artifact: core.Artifact{Kind: core.TargetContainer, Ref: "reg/web:v1"}, Log: &log,
		Options: []core.OptionValue{{Name: "env", Value: "staging"}, {Name: "cdn_on", Value: "true"}}})
	require.NoError(t, err)
	assert.Contains(t, log.String(), "env=staging cdn=true")
}
