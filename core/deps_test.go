package core_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCoreImportsNoIO keeps core pure: only the standard library and pure
// libraries (robfig/cron, core/levenshtein) — never bun, an SDK, or another
// dingops package.
func TestCoreImportsNoIO(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/dingops/dingops/core").CombinedOutput()
	require.NoError(t, err, string(out))
	allowed := []string{"github.com/dingops/dingops/core", "github.com/dingops/dingops/core/levenshtein",
		"github.com/robfig/cron/v3"}
	for _, dep := range strings.Fields(string(out)) {
		if !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") {
			continue // standard library
		}
		ok := false
		for _, a := range allowed {
			if dep == a {
				ok = true
			}
		}
		require.True(t, ok, "core depends on %s", dep)
	}
}
