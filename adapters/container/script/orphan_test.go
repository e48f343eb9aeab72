package script_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/container/script"
	"github.com/dingops/dingops/core"
)

const helperEnv = "DINGOPS_SCRIPT_TEST_HELPER_DIR"

// TestMain lets the test binary play dingops: with helperEnv set it runs
// one slow deploy in that directory and is killed there by the test.
func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		d, err := script.New(script.Config{App: "web", Dir: dir, Command: []string{"sh", "-c",
			`sleep 60 & echo $! > child; echo $$ > script; wait`}}, nil)
		if err == nil {
			err = d.Deploy(context.Background(), core.DeployRequest{App: "web", Artifact: core.Artifact{Ref: "a"}})
		}
		fmt.Println(err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestScriptDiesWithDingops: SIGKILL of the process running a deploy
// kills the script and what it started, so nothing keeps deploying for a
// replica that resumes the release to race with.
func TestScriptDiesWithDingops(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	require.NoError(t, cmd.Start())
	pids := []int{waitPid(t, filepath.Join(dir, "script")), waitPid(t, filepath.Join(dir, "child"))}
	for _, p := range pids {
		assert.True(t, running(p), "pid %d runs before the kill", p)
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	for _, p := range pids {
		assert.Eventually(t, func() bool { return !running(p) }, 10*time.Second, 20*time.Millisecond,
			"pid %d died with its dingops", p)
	}
}

func waitPid(t *testing.T, path string) int {
	var pid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "the script wrote %s", path)
	return pid
}

// running is true while pid exists and is not a zombie (an orphan that
// died is reparented and may wait to be reaped).
func running(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}
