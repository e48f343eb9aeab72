package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeDemo is the shell block between the demo markers of README.md.
func readmeDemo(t *testing.T, root string) string {
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "<!-- demo:start -->")
	end := strings.Index(s, "<!-- demo:end -->")
	require.True(t, start >= 0 && end > start, "README has the demo markers")
	block := s[start:end]
	block = block[strings.Index(block, "```sh")+len("```sh") : strings.LastIndex(block, "```")]
	return block
}

// TestReadmeShellDemo runs the README's shell demo as written (with the
// built binary in place of `go run .`): three recorded releases, a
// rollback requested by alice, approved by bob, executed once with v2's
// artifact; history shows v4 as a rollback to v2 and the app is frozen.
func TestReadmeShellDemo(t *testing.T) {
	root := repoRoot(t)
	bin := build(t)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "configs"), 0o755))
	demo, err := os.ReadFile(filepath.Join(root, "configs", "demo.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configs", "demo.yaml"), demo, 0o644))
	script := "set -e\n" + strings.ReplaceAll(readmeDemo(t, root), "go run . ", bin+" ")
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	text := string(out)

	deploys, err := os.ReadFile(filepath.Join(dir, "dingops-demo-deploys.log"))
	require.NoError(t, err)
	assert.Equal(t, "4 registry.example.com/web:v2\n", string(deploys), "the script deployer ran once, with v2's artifact")
	assert.Contains(t, text, "v4 回滚 registry.example.com/web:v2")
	assert.Contains(t, text, "（回滚到 v2）")
	assert.Contains(t, text, "v3 发布 registry.example.com/web:v3 · alice")
	assert.Contains(t, text, "（已被回滚）")
	assert.Contains(t, text, "🔒 回滚后发布锁定", "the app is locked for releases")
	assert.Contains(t, text, "✓ #4 · web v4 成功")
	auditExport(t, bin, dir)
}

// auditExport checks `dingops audit` of the demo has every step: the
// records, the request, the approval, each transition, the freeze, with
// the shell user beside the staff id.
func auditExport(t *testing.T, bin, dir string) {
	cmd := exec.Command(bin, "audit", "--config", "configs/demo.yaml", "--app", "web", "--format", "csv")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	csv := string(out)
	for _, want := range []string{",record,web,1,", ",request,web,4,shell,", "bob,", ",approve,web,4,shell,",
		"pending_approval → approved", "approved → queued → deploying", "deploying → succeeded", ",lock,web,4,"} {
		assert.Contains(t, csv, want)
	}
	cmd = exec.Command(bin, "audit", "--config", "configs/demo.yaml", "--since", "2000-01-01", "--format", "json")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, strings.Count(csv, "\n")-1, strings.Count(string(out), "\n"), "the same events as JSON lines")
	assert.Contains(t, string(out), `"os_user":`)
}

func TestCommandLineErrors(t *testing.T) {
	bin := build(t)
	for _, args := range [][]string{{"frobnicate"}, {"chat", "--bogus"}, {"record", "--config"}, {"config", "lint"},
		{"windows", "--days", "0"}, {"chat", "--config", "x.yaml"}} {
		cmd := exec.Command(bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%v", args)
		assert.Equal(t, 2, exit.ExitCode(), "%v: %s", args, stderr.String())
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, "one line for %v: %q", args, stderr.String())
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"chat", "--help"}, {"config", "check", "--help"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		require.NoError(t, err, "%v: %s", args, out)
		assert.Contains(t, string(out), "Usage")
	}
}
