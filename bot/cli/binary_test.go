package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/cli/clitest"
)

// repoRoot is the module root (where go.mod, the Dockerfile and README are).
func repoRoot(t testing.TB) string {
	root, err := clitest.RepoRoot()
	require.NoError(t, err)
	return root
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// build builds dingops once per test run with exactly the Dockerfile's
// command line (its -o /out/dingops pointed at a temporary directory).
func build(t testing.TB) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dingops-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "dingops")
		buildErr = clitest.Build(binary, "test-1.2.3")
	})
	require.NoError(t, buildErr)
	return binary
}

func TestDockerBuildLine(t *testing.T) {
	bin := build(t)
	out, err := exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err)
	require.Equal(t, "dingops test-1.2.3\n", string(out), "the version is stamped with -ldflags -X")
}
