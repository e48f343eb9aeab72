package git

import (
	"context"
	"fmt"
	"strings"
)

// LsRemote runs `git ls-remote --heads` of repo with its configured
// credentials (what a fetch would use) and reports whether branch exists
// there. It writes nothing: no mirror is made.
func (c *Checker) LsRemote(ctx context.Context, repo, branch string) (bool, error) {
	r, err := c.remote(repo)
	if err != nil {
		return false, err
	}
	env, secrets, err := c.fetchEnv(r)
	if err != nil {
		return false, err
	}
	res, err := c.runSecret(ctx, "", env, secrets, "ls-remote", "--heads", "--", r.url, "refs/heads/"+branch)
	if err != nil {
		return false, err
	}
	if res.code != 0 {
		return false, fmt.Errorf("git ls-remote %s: %s", r.display, tail(strings.TrimSpace(string(res.stderr))))
	}
	return strings.Contains(string(res.stdout), "refs/heads/"+branch), nil
}
