package git

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func query(f *fixture, branch string) core.BranchQuery {
	return core.BranchQuery{App: "web", Repo: f.remote, Branch: branch, MainBranch: "main"}
}

func commit(sha, author, subject string) core.Commit {
	return core.Commit{SHA: sha, Author: author, Subject: subject}
}

func TestCleanBranch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.branch("feature/login", "main")
	a := f.commit("Alice", "login.js", "login\n", "add login page")
	b := f.commit("Bob", "login.css", "css\n", "style login page")
	f.push("feature/login")
	c, _ := newTestChecker(t, Config{})

	rep, err := c.Inspect(context.Background(), query(f, "feature/login"))
	require.NoError(t, err)
	assert.True(t, rep.Exists)
	assert.Equal(t, b, rep.Commit)
	assert.Empty(t, rep.Conflicts)
	assert.Empty(t, rep.MissingLive)
	assert.Equal(t, []core.Commit{
		{SHA: b, Author: "Bob", Subject: "style login page"},
		{SHA: a, Author: "Alice", Subject: "add login page"},
	}, rep.Commits, "commits since the merge base, newest first")
}

func TestConflictingBranchNamesTheFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.commit("Dev", "app.txt", "one\n", "add app")
	f.commit("Dev", "other file.txt", "x\n", "add other")
	f.push("main")
	f.branch("feature/x", "main")
	f.commit("Alice", "app.txt", "alice\n", "alice edits app")
	f.commit("Alice", "other file.txt", "alice\n", "alice edits other")
	f.commit("Alice", "clean.txt", "fine\n", "clean change")
	f.push("feature/x")
	f.checkout("main")
	f.commit("Bob", "app.txt", "bob\n", "bob edits app")
	f.commit("Bob", "other file.txt", "bob\n", "bob edits other")
	f.push("main")
	c, _ := newTestChecker(t, Config{})

	rep, err := c.Inspect(context.Background(), query(f, "feature/x"))
	require.NoError(t, err)
	assert.True(t, rep.Exists)
	assert.Equal(t, []string{"app.txt", "other file.txt"}, rep.Conflicts)
}

func TestMissingBranchIsReportedNotAnError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, _ := newTestChecker(t, Config{})
	rep, err := c.Inspect(context.Background(), query(f, "feature/nope"))
	require.NoError(t, err)
	assert.Equal(t, core.BranchReport{}, rep)
}

func TestMissingMainBranchIsAnError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, _ := newTestChecker(t, Config{})
	q := query(f, "main")
	q.MainBranch = "master"
	_, err := c.Inspect(context.Background(), q)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `main branch "master" does not exist`)
	assert.Contains(t, err.Error(), f.remote, "the error names the repository")
}

func TestBranchMissingLiveHotfix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.branch("feature/old", "main")
	f.commit("Alice", "feature.txt", "f\n", "old feature")
	f.push("feature/old")
	f.checkout("main")
	hotfix := f.commit("Bob", "fix.txt", "fix\n", "hotfix: payment rounding")
	f.push("main")
	c, _ := newTestChecker(t, Config{})

	q := query(f, "feature/old")
	q.LiveCommit = hotfix
	rep, err := c.Inspect(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, []core.Commit{{SHA: hotfix, Author: "Bob", Subject: "hotfix: payment rounding"}}, rep.MissingLive)
	assert.Empty(t, rep.Conflicts, "missing live work is not a conflict")

	t.Run("abbreviated live commit", func(t *testing.T) {
		q.LiveCommit = hotfix[:10]
		rep, err := c.Inspect(context.Background(), q)
		require.NoError(t, err)
		require.Len(t, rep.MissingLive, 1)
		assert.Equal(t, hotfix, rep.MissingLive[0].SHA)
	})
	t.Run("rebased branch lacks nothing", func(t *testing.T) {
		f.checkout("feature/old")
		f.git(f.work, "rebase", "--quiet", "main")
		f.push("feature/old")
		rep, err := c.Inspect(context.Background(), q)
		require.NoError(t, err)
		assert.Empty(t, rep.MissingLive)
	})
	t.Run("unknown live commit is an error", func(t *testing.T) {
		q.LiveCommit = "0123456789012345678901234567890123456789"
		_, err := c.Inspect(context.Background(), q)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "live commit 0123456789012345678901234567890123456789 is not in the repository")
	})
}

func TestCommitsSincePreviousRelease(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.commit("Dev", "a.txt", "a\n", "before")
	prev := f.commit("Dev", "b.txt", "b\n", "released as v1")
	f.push("main")
	f.branch("release/2", "main")
	c1 := f.commit("Alice", "c.txt", "c\n", "one")
	c2 := f.commit("Bob", "d.txt", "d\n", "two")
	c3 := f.commit("Carol", "e.txt", "e\n", "three")
	f.push("release/2")

	q := query(f, "release/2")
	q.PrevCommit = prev
	c, _ := newTestChecker(t, Config{})
	rep, err := c.Inspect(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, []core.Commit{commit(c3, "Carol", "three"), commit(c2, "Bob", "two"), commit(c1, "Alice", "one")}, rep.Commits)

	capped, _ := newTestChecker(t, Config{MaxCommits: 2})
	rep, err = capped.Inspect(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, []core.Commit{commit(c3, "Carol", "three"), commit(c2, "Bob", "two")}, rep.Commits, "capped, newest kept")

	q.PrevCommit = "0123456789012345678901234567890123456789"
	rep, err = c.Inspect(context.Background(), q)
	require.NoError(t, err)
	assert.Len(t, rep.Commits, 3, "an unknown previous commit falls back to the merge base")
}

func TestMirrorIsReusedAndFetchedAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.branch("feature/a", "main")
	first := f.commit("Alice", "a.txt", "1\n", "first")
	f.push("feature/a")
	cache := t.TempDir()
	c, rec := newTestChecker(t, Config{CacheDir: cache})
	ctx := context.Background()

	rep, err := c.Inspect(ctx, query(f, "feature/a"))
	require.NoError(t, err)
	assert.Equal(t, first, rep.Commit)

	second := f.commit("Alice", "a.txt", "2\n", "second")
	f.push("feature/a")
	rep, err = c.Inspect(ctx, query(f, "feature/a"))
	require.NoError(t, err)
	assert.Equal(t, second, rep.Commit, "the second check sees the commit pushed after the first")

	f.git(f.work, "push", "--quiet", "origin", "--delete", "feature/a")
	rep, err = c.Inspect(ctx, query(f, "feature/a"))
	require.NoError(t, err)
	assert.False(t, rep.Exists, "a deleted branch is pruned from the mirror")

	assert.Equal(t, 1, rec.count("init"), "one mirror, created once")
	assert.Equal(t, 3, rec.count("fetch"), "fetched before every check")
	mirrors, err := filepath.Glob(filepath.Join(cache, "*.git"))
	require.NoError(t, err)
	require.Len(t, mirrors, 1)
	_, err = os.Stat(filepath.Join(mirrors[0], "HEAD"))
	assert.NoError(t, err, "the mirror is a bare repository")

	other, rec2 := newTestChecker(t, Config{CacheDir: cache})
	_, err = other.Inspect(ctx, query(f, "main"))
	require.NoError(t, err)
	assert.Zero(t, rec2.count("init"), "a new process reuses the cached mirror")
}
