package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// command is one git invocation; args follow the git binary.
type command struct {
	dir  string
	env  []string
	args []string
}

// result is what a git command printed and its exit status.
type result struct {
	stdout, stderr []byte
	code           int
}

// runner is the seam over the git binary. A non-zero exit status is a
// result, not an error: merge-tree and rev-parse answer with it.
type runner interface {
	run(ctx context.Context, c command) (result, error)
}

// execRunner runs the real git binary.
type execRunner struct{ path string }

func (r execRunner) run(ctx context.Context, c command) (result, error) {
	cmd := exec.CommandContext(ctx, r.path, c.args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// git's helpers (remote-https, ssh) may outlive a killed git and hold
	// its pipes open; do not wait for them forever.
	cmd.WaitDelay = 2 * time.Second
	killGroup(cmd)
	err := cmd.Run()
	res := result{stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	var exit *exec.ExitError
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		res.code = exit.ExitCode()
		return res, nil
	}
	return res, err
}

// gitError is a git command that exited non-zero when it should not have.
type gitError struct {
	cmd    string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	return fmt.Sprintf("git %s exited with status %d: %s", e.cmd, e.code, e.stderr)
}

// run runs git with the command timeout. A non-zero exit is in the result.
func (c *Checker) run(ctx context.Context, dir string, env []string, args ...string) (result, error) {
	return c.runSecret(ctx, dir, env, nil, args...)
}

// runSecret is run for commands that carry credentials in env: secrets are
// redacted from what git printed before anyone sees it.
func (c *Checker) runSecret(ctx context.Context, dir string, env, secrets []string, args ...string) (result, error) {
	tctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	c.log.DebugContext(ctx, "running git", "args", args, "dir", dir)
	res, err := c.git.run(tctx, command{dir: dir, env: env, args: args})
	res.stderr = []byte(redact(string(res.stderr), secrets))
	sub := subcommand(args)
	switch {
	case err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return res, fmt.Errorf("running git %s: timed out after %s", sub, c.cfg.Timeout)
	case err != nil:
		return res, fmt.Errorf("running git %s: %w", sub, err)
	}
	return res, nil
}

// runOK runs git and turns a non-zero exit into an error with its stderr.
func (c *Checker) runOK(ctx context.Context, dir string, args ...string) ([]byte, error) {
	res, err := c.run(ctx, dir, c.baseEnv(), args...)
	if err != nil {
		return nil, err
	}
	if res.code != 0 {
		return nil, exitError(res, args)
	}
	return res.stdout, nil
}

func exitError(res result, args []string) error {
	return &gitError{cmd: subcommand(args), code: res.code, stderr: tail(string(res.stderr))}
}

func subcommand(args []string) string {
	for i := 0; i < len(args); i++ {
		if args[i] == "-c" {
			i++
			continue
		}
		return args[i]
	}
	return ""
}

// tail keeps the end of git's stderr, where the reason is, on one line so
// it reads well in a log and on a card.
func tail(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	s = strings.Join(lines, " ")
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}
