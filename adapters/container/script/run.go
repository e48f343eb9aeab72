package script

import (
	"context"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// watchdog is the shell that runs every command: it starts the command in
// the background, in the watchdog's own process group, and waits for it;
// meanwhile a second background job reads the watchdog's stdin, a pipe
// whose only writer is dingops. When dingops dies (SIGKILL, OOM, a crash)
// the kernel closes that pipe, the read ends, and the job kills the whole
// process group, command and children included. So a killed replica leaves
// no deploy running behind it for the replica that resumes the release to
// race with. (Pdeathsig alone would kill only the direct child, not what
// the script started; a process group is not signalled when its parent
// dies.) Background jobs of a non-interactive shell get /dev/null as stdin
// (POSIX, "Asynchronous Lists"), hence the explicit fd 3.
const watchdog = `exec 3<&0
"$@" 3<&- </dev/null &
cmd=$!
{ while read -r _; do :; done; kill -s KILL 0; } <&3 3<&- >/dev/null 2>&1 &
dog=$!
exec 3<&-
wait "$cmd"
rc=$?
kill "$dog" 2>/dev/null
exit "$rc"`

// execRunner runs real processes in their own process group, under the
// watchdog, so a timeout or cancel kills the whole script, children
// included, and so does the death of dingops itself.
type execRunner struct{ shell string }

func newExecRunner() execRunner {
	sh, err := exec.LookPath("sh")
	if err != nil {
		return execRunner{} // no shell: commands run bare, killed on cancel but not on our death
	}
	return execRunner{shell: sh}
}

func (r execRunner) Run(ctx context.Context, argv []string, dir string, env []string, out io.Writer) error {
	if r.shell != "" {
		argv = append([]string{r.shell, "-c", watchdog, "dingops-watchdog"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if r.shell == "" {
		// Without the watchdog, at least the direct child dies with us. Not
		// used under the watchdog: Pdeathsig follows the forking OS thread,
		// and a spurious kill of the watchdog would orphan the command.
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	lifeline, keep, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdin = lifeline
	err = cmd.Start()
	_ = lifeline.Close()
	if err == nil {
		err = cmd.Wait()
	}
	_ = keep.Close() // held open until the command ended: its end is our death
	return err
}
