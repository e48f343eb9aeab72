package cli_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestWindowsMonth prints a month of the example's windows around 2026's
// Mid-Autumn and National Day holidays, with their make-up working days
// (9/20 Sunday and 10/10 Saturday open, the holidays closed).
func TestWindowsMonth(t *testing.T) {
	root := repoRoot(t)
	out, err := exec.Command(build(t), "windows", "--config", filepath.Join(root, "configs", "example.yaml"),
		"--from", "2026-09-14", "--days", "30").CombinedOutput()
	require.NoError(t, err, string(out))
	path := filepath.Join("testdata", "windows.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, out, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./bot/cli -update")
	assert.Equal(t, string(want), string(out))
}

// TestWindowsInEnglish: with `language: en` the same month is English but
// for the holidays' own names.
func TestWindowsInEnglish(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "configs", "example.yaml"))
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), "en.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(strings.Replace(string(data), "language: zh", "language: en", 1)), 0o644))
	out, err := exec.Command(build(t), "windows", "--config", cfg, "--from", "2026-09-14", "--days", "30").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "api (times in Asia/Shanghai):")
	assert.Contains(t, string(out), "2026-09-19 Sat  closed: weekend")
	text := strings.NewReplacer("中秋节", "", "国庆节", "").Replace(string(out))
	assert.NotRegexp(t, `\p{Han}`, text, "English but for holiday names")
}
