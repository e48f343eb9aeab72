//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package git

import "os/exec"

// killGroup is a no-op where process groups are not available; WaitDelay
// still bounds the wait for helpers that outlive git.
func killGroup(*exec.Cmd) {}
