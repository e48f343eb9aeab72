package faults

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

// envLong turns on the slow variants (.ci/run sets it once).
const envLong = "DINGOPS_LONG"

func long() bool { return os.Getenv(envLong) == "1" }

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
	buildOut  []byte

	// slots bounds the worlds alive at once: each runs a few dingops
	// processes with their own connection pools, and PostgreSQL's 100
	// connections are shared with every other package's tests.
	slots = make(chan struct{}, 3)
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// dingops builds the binary once per test run with exactly the Dockerfile's
// go build line (its output pointed at a temporary directory), as
// bot/cli's TestDockerBuildLine does: the tests run what ships.
func dingops(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, line, err := dockerBuildLine()
		if err != nil {
			buildErr = err
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "dingops-faults-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dingops")
		cmdline := strings.ReplaceAll(strings.ReplaceAll(line, "/out/dingops", binPath), "${VERSION}", "faults")
		cmd := exec.Command("sh", "-c", cmdline)
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	require.NoError(t, buildErr, "building dingops: %s", buildOut)
	return binPath
}

// dockerBuildLine finds the module root and the go build command of the
// Dockerfile's build stage.
func dockerBuildLine() (root, line string, err error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", "", err
	}
	root = filepath.Dir(strings.TrimSpace(string(out)))
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return "", "", err
	}
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*)$`).FindStringSubmatch(string(b))
	if m == nil {
		return "", "", os.ErrNotExist
	}
	return root, m[1], nil
}
