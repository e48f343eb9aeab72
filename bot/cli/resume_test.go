package cli_test

import (
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
)

// resumeConfig is the demo's app with a deploy script that runs slowly
// while a "slow" file exists (it removes it, so a second run is quick),
// and a short run-lock lease.
const resumeConfig = `language: en
store:
  dsn: resume.db
local:
  allow_approvals: true
worker:
  lease: 1s
  poll: 200ms
teams:
  frontend: [alice]
  sre: [bob]
chats:
  web-ops: {conversation_id: cid-web-ops}
apps:
  web:
    target:
      kind: container
      script:
        command: [sh, -c, 'echo "start $DINGOPS_RELEASE_ID" >> runs; echo $$ > running; if [ -f slow ]; then rm -f slow; sleep 120 & echo $! > child; wait; fi; echo "$DINGOPS_ARTIFACT" > live.txt; echo "done $DINGOPS_RELEASE_ID" >> runs']
        live_command: [sh, -c, 'cat live.txt 2>/dev/null || true']
        timeout: 5m
    chats: [web-ops]
    release_teams: [frontend]
    approver_teams: [sre]
`

// TestChatKilledMidDeployIsResumed: a `dingops chat` running a deploy in
// its own process is killed (SIGKILL) mid-script. The script dies with it;
// the release stays deploying, and the next `dingops chat`, with no serve
// running, says it is held while its lease runs, then resumes it once the
// lease lapses: the script completes once, and the target and the store
// agree, so a following rollback is not refused as "cancel it first".
func TestChatKilledMidDeployIsResumed(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dingops.yaml"), []byte(resumeConfig), 0o644))
	run := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	chat := func(as, text string) string { return run("chat", "--config", "dingops.yaml", "--as", as, text) }
	run("migrate", "--config", "dingops.yaml")
	for v := 1; v <= 2; v++ {
		out := run("record", "--config", "dingops.yaml", "--app", "web", "--artifact", fmt.Sprintf("registry.example.com/web:v%d", v), "--by", "alice")
		require.NotContains(t, out, "rror", out)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "live.txt"), []byte("registry.example.com/web:v2\n"), 0o644))
	require.Contains(t, chat("alice", "/rollback web v1 broken"), "#3")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slow"), nil, 0o644))

	victim := exec.Command(bin, "chat", "--config", "dingops.yaml", "--as", "bob", "/approve 3")
	victim.Dir = dir
	require.NoError(t, victim.Start())
	child := pidFile(t, filepath.Join(dir, "child"))
	require.NoError(t, victim.Process.Kill())
	_ = victim.Wait()
	require.Eventually(t, func() bool { return syscall.Kill(child, 0) != nil || zombie(child) }, 30*time.Second, 20*time.Millisecond,
		"the script's child died with the chat")

	var out string
	require.Eventually(t, func() bool {
		out = chat("alice", "/status web")
		require.NotContains(t, out, "rror", out)
		return strings.Contains(out, "resuming it in this process")
	}, 30*time.Second, 50*time.Millisecond, "a later chat resumes the release once the lease lapses")
	assert.Contains(t, out, "#3 · web v3", out)
	runs, err := os.ReadFile(filepath.Join(dir, "runs"))
	require.NoError(t, err)
	assert.Equal(t, "start 3\nstart 3\ndone 3\n", string(runs), "killed once, completed once")
	live, err := os.ReadFile(filepath.Join(dir, "live.txt"))
	require.NoError(t, err)
	assert.Equal(t, "registry.example.com/web:v1\n", string(live), "the target runs v1's artifact, as the store says")
	assert.Contains(t, chat("alice", "/history web"), "succeeded")
	again := chat("alice", "/status web")
	assert.NotContains(t, again, "resuming", "nothing is left to resume")
}

func pidFile(t *testing.T, path string) int {
	t.Helper()
	var pid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil
	}, 30*time.Second, 10*time.Millisecond, "the script wrote %s", path)
	return pid
}

// zombie is true for a dead process not yet reaped by its adopter.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && strings.HasPrefix(s[i+1:], " Z")
}
