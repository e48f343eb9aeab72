package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// deployScript is web1's script target. Each run appends "start ID" and,
// when it got to the end, "done ID" to runs; a run that finds the previous
// run's process alive appends "concurrent ID". A slow marker makes the
// next run start a child that sleeps, and say both pids.
const deployScript = `set -u
echo "start $DINGOPS_RELEASE_ID" >> runs
if [ -f running ] && kill -0 "$(cat running)" 2>/dev/null; then echo "concurrent $DINGOPS_RELEASE_ID" >> runs; fi
echo $$ > running
if [ -f slow ]; then rm -f slow; sleep 120 & echo $! > child; wait; fi
printf '%s\n' "$DINGOPS_ARTIFACT" > live
echo "done $DINGOPS_RELEASE_ID" >> runs
rm -f running
`

// startScript writes web1's script target, v2 live as the seed says.
func (w *world) startScript() {
	w.scriptDir = filepath.Join(w.dir, "script")
	require.NoError(w.t, os.MkdirAll(w.scriptDir, 0o755))
	w.scriptFile("deploy.sh", deployScript)
	w.scriptFile("live", manifest(app(1), 2)+"\n")
}

func (w *world) scriptFile(name, text string) {
	require.NoError(w.t, os.WriteFile(filepath.Join(w.scriptDir, name), []byte(text), 0o644))
}

// TestKillDuringScriptDeploy: the replica running web1's slow deploy
// script is killed with SIGKILL. The script and the child it started die
// with it (they would otherwise finish behind the resumed deploy's back);
// another replica resumes the release once the lease lapses and runs the
// script once more, never alongside the first; the release ends succeeded,
// the script completed exactly once, and the target and store agree.
func TestKillDuringScriptDeploy(t *testing.T) {
	t.Parallel()
	w := newWorld(t, func(s *settings) { s.Apps, s.Script = 1, true })
	rs := []*replica{w.start("replica-a"), w.start("replica-b")}
	w.scriptFile("slow", "")
	id := w.request("web1", 1)
	w.approve(id)
	pids := []int{w.scriptPid("running"), w.scriptPid("child")}

	victim, survivor := w.split(rs, w.claimer(id))
	require.NotNil(t, victim, "the claimer %q is one of ours", w.claimer(id))
	victim.kill()
	for _, p := range pids {
		require.NoError(t, poll(patience, func() bool { return !processRuns(p) }), "pid %d died with its replica", p)
	}

	r := w.waitStatus(id, core.StatusSucceeded, patience)
	assert.True(t, w.resumedBy(id, survivor.id), "the audit shows %s resumed the release", survivor.name)
	runs := w.scriptRuns()
	assert.Equal(t, []string{fmt.Sprint("start ", int64(id)), fmt.Sprint("start ", int64(id)), fmt.Sprint("done ", int64(id))},
		runs, "killed once, completed once, never two at a time")
	live, err := w.st.Live(w.ctx, app(1))
	require.NoError(t, err)
	assert.Equal(t, r.Artifact.Ref, live.Artifact.Ref)
	onTarget, err := os.ReadFile(filepath.Join(w.scriptDir, "live"))
	require.NoError(t, err)
	assert.Equal(t, live.Artifact.Ref, strings.TrimSpace(string(onTarget)), "target and store agree")
	w.checkSettled()
}

// scriptPid waits for the script to write a pid file.
func (w *world) scriptPid(name string) int {
	w.t.Helper()
	var pid int
	require.NoError(w.t, poll(patience, func() bool {
		b, err := os.ReadFile(filepath.Join(w.scriptDir, name))
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil
	}), "the deploy script wrote %s", name)
	return pid
}

func (w *world) scriptRuns() []string {
	b, err := os.ReadFile(filepath.Join(w.scriptDir, "runs"))
	require.NoError(w.t, err)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// processRuns is true while pid exists and is not a zombie (a dead
// orphan may wait to be reaped by whoever adopted it).
func processRuns(pid int) bool {
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
