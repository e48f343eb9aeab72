//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package git

import (
	"os/exec"
	"syscall"
)

// killGroup makes a cancelled or timed-out git take its helpers
// (git-remote-https, ssh) down with it: they run in git's own process
// group, which is killed as a whole.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
