package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the module root (where go.mod, the Dockerfile and README are).
func repoRoot(t testing.TB) string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)
	return filepath.Dir(strings.TrimSpace(string(out)))
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildOut  []byte
)

// dockerBuildLine is the go build command of the Dockerfile's build stage.
func dockerBuildLine(t testing.TB, root string) string {
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*)$`).FindStringSubmatch(string(b))
	require.NotNil(t, m, "the Dockerfile has a RUN CGO_ENABLED=0 go build line")
	return m[1]
}

// build builds dingops once per test run with exactly the Dockerfile's
// command line (its -o /out/dingops pointed at a temporary directory).
func build(t testing.TB) string {
	root := repoRoot(t)
	line := dockerBuildLine(t, root)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dingops-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "dingops")
		cmdline := strings.ReplaceAll(strings.ReplaceAll(line, "/out/dingops", binary), "${VERSION}", "test-1.2.3")
		cmd := exec.Command("sh", "-c", cmdline)
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	require.NoError(t, buildErr, string(buildOut))
	return binary
}

func TestDockerBuildLine(t *testing.T) {
	bin := build(t)
	out, err := exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err)
	require.Equal(t, "dingops test-1.2.3\n", string(out), "the version is stamped with -ldflags -X")
}
