package faults

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/cli/clitest"
)

// envLong turns on the slow variants (.ci/run sets it once).
const envLong = "DINGOPS_LONG"

func long() bool { return os.Getenv(envLong) == "1" }

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error

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
		if binDir, buildErr = os.MkdirTemp("", "dingops-faults-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dingops")
		buildErr = clitest.Build(binPath, "faults")
	})
	require.NoError(t, buildErr)
	return binPath
}
