package git

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

var hostileBranches = []string{
	"", "-x", "--upload-pack=touch /tmp/pwned", "--output=/tmp/x", "-c", "a..b", "..", "a b", "a\tb",
	"a\nb", "a\x00b", "a\x7fb", "a~1", "main^", "a:b", "a?", "a*", "a[b", `a\b`, "@", "@{-1}", "a@{u}",
	"HEAD", "/a", "a/", "a//b", "a.lock", "a/b.lock/c", ".a", "a/.b", "a.", "refs/heads/../x",
	"main..evil", "\xff\xfe", strings.Repeat("a", 256),
}

func TestHostileBranchNamesNeverReachGit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, rec := newTestChecker(t, Config{})
	for _, name := range hostileBranches {
		rep, err := c.Inspect(context.Background(), query(f, name))
		require.NoError(t, err, "%q", name)
		assert.False(t, rep.Exists, "%q", name)
	}
	for _, cmd := range rec.commands() {
		assert.Equal(t, []string{"check-ref-format", "--branch", "main"}, cmd.args,
			"only the main branch name reaches git")
	}
	assert.Zero(t, rec.count("fetch"), "nothing is fetched for a refused name")
}

func TestOrdinaryBranchNamesAreAccepted(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"main", "feature/登录", "release-1.2.3", "fix_x", "user/a.b/c", "v1@2", "a-"} {
		assert.True(t, branchNameOK(name), "%q", name)
	}
}

// The rules here must never accept a name git refuses.
func TestBranchRulesAgreeWithGit(t *testing.T) {
	t.Parallel()
	names := append([]string{"main", "feature/登录", "a-", "x/y", "a.b", "-", "a@b", "a{b}", "a!b"}, hostileBranches...)
	for _, name := range names {
		if !branchNameOK(name) || strings.ContainsRune(name, 0) {
			continue
		}
		cmd := exec.Command("git", "check-ref-format", "--branch", name)
		cmd.Env = testEnv()
		assert.NoError(t, cmd.Run(), "accepted %q that git refuses", name)
	}
}

func TestMalformedQueriesAreErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, rec := newTestChecker(t, Config{})
	for name, mutate := range map[string]func(q *core.BranchQuery){
		"option as main branch": func(q *core.BranchQuery) { q.MainBranch = "--all" },
		"empty main branch":     func(q *core.BranchQuery) { q.MainBranch = "" },
		"option as live commit": func(q *core.BranchQuery) { q.LiveCommit = "--all" },
		"range as prev commit":  func(q *core.BranchQuery) { q.PrevCommit = "HEAD~3" },
		"option as repository":  func(q *core.BranchQuery) { q.Repo = "--upload-pack=touch /tmp/pwned" },
		"no repository":         func(q *core.BranchQuery) { q.Repo = "" },
	} {
		q := query(f, "main")
		mutate(&q)
		_, err := c.Inspect(context.Background(), q)
		assert.Error(t, err, name)
	}
	assert.Zero(t, rec.count("fetch"))
}
