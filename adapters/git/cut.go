package git

import (
	"context"
	"fmt"
	"strings"

	"github.com/dingops/dingops/core"
)

var _ core.BranchCutter = (*Checker)(nil)

// Cut creates refs/heads/q.Name on the app's repository at the head of
// q.MainBranch, with the mirror and credentials Inspect uses. The name is
// checked with git's own rules first (git check-ref-format --branch, see
// git-check-ref-format(1)); the push is a create-only update — it carries
// --force-with-lease=refs/heads/<name>: (an empty expected value, "the ref
// must not exist yet", see git-push(1)), so a branch someone pushed since
// the fetch is never overwritten.
func (c *Checker) Cut(ctx context.Context, q core.CutQuery) (string, error) {
	if ok, err := c.validBranch(ctx, q.Name); err != nil {
		return "", fmt.Errorf("checking branch name %q: %w", q.Name, err)
	} else if !ok || !branchNameOK(q.MainBranch) {
		return "", core.ErrBranchName
	}
	r, err := c.remote(q.Repo)
	if err != nil {
		return "", fmt.Errorf("cutting branch %q of %s: %w", q.Name, q.App, err)
	}
	commit, err := c.cut(ctx, r, q)
	if err != nil {
		return "", fmt.Errorf("cutting branch %q of %s in %s: %w", q.Name, q.App, r.display, err)
	}
	return commit, nil
}

func (c *Checker) cut(ctx context.Context, r remote, q core.CutQuery) (string, error) {
	h, err := c.sync(ctx, r, q.Name, q.MainBranch)
	if err != nil {
		return "", err
	}
	if h.branch != "" {
		return "", core.ErrBranchExists
	}
	ref := "refs/heads/" + q.Name
	if err := c.push(ctx, r, h.main+":"+ref, "--force-with-lease="+ref+":"); err != nil {
		return "", err
	}
	c.log.InfoContext(ctx, "cut branch", "app", q.App, "branch", q.Name, "commit", h.main)
	return h.main, nil
}

// push sends refspec to the repository with the fetch's credentials. A
// rejection because the ref appeared meanwhile is ErrBranchExists.
func (c *Checker) push(ctx context.Context, r remote, refspec, lease string) error {
	env, secrets, err := c.fetchEnv(r)
	if err != nil {
		return err
	}
	args := []string{"push", "--quiet", "--porcelain", "--no-verify", lease, "--", r.url, refspec}
	res, err := c.runSecret(ctx, r.dir, env, secrets, args...)
	if err != nil {
		return fmt.Errorf("pushing: %w", err)
	}
	if res.code != 0 {
		if staleLease(string(res.stdout) + string(res.stderr)) {
			return core.ErrBranchExists
		}
		return fmt.Errorf("pushing: %w", exitError(res, args))
	}
	return nil
}

// staleLease recognises git push's report of a lease that failed, "[rejected]
// (stale info)", or a server refusing to create an existing ref.
func staleLease(out string) bool {
	return containsAny(out, "stale info", "already exists", "fetch first")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
