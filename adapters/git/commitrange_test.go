package git

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// gitLog is what `git log --first-parent` says about include ^exclude in
// the fixture's work clone: the list Range must match.
func (f *fixture) gitLog(include, exclude string) []core.Commit {
	out := f.git(f.work, "log", "--first-parent", "--format=%H%x09%an%x09%s", include, "^"+exclude, "--")
	var cs []core.Commit
	for _, line := range strings.Split(out, "\n") {
		if p := strings.SplitN(line, "\t", 3); len(p) == 3 {
			cs = append(cs, core.Commit{SHA: p[0], Author: p[1], Subject: p[2]})
		}
	}
	return cs
}

func (f *fixture) head() string { return f.git(f.work, "rev-parse", "HEAD") }

func rangeOf(t *testing.T, c *Checker, f *fixture, live, target string, limit int) core.CommitRange {
	t.Helper()
	rng, err := c.Range(context.Background(), core.RangeQuery{App: "web", Repo: f.remote, Live: live, Target: target, Max: limit})
	require.NoError(t, err)
	return rng
}

func withoutMerged(cs []core.Commit) []core.Commit {
	out := make([]core.Commit, len(cs))
	for i, c := range cs {
		c.Merged = 0
		out[i] = c
	}
	return out
}

func TestRangeAncestorsBothWays(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v1 := f.commit("Li Lei", "checkout.js", "1\n", "web: checkout page")
	f.commit("Han Meimei", "pay.js", "2\n", "fix: payment rounding")
	v3 := f.commit("Li Lei", "button.js", "3\n", "web: new checkout button")
	f.push("main")
	c, _ := newTestChecker(t, Config{})

	back := rangeOf(t, c, f, v3, v1, 0)
	assert.Equal(t, f.gitLog(v3, v1), back.Undone, "rollback: git log v1..v3")
	assert.Equal(t, 2, back.UndoneTotal)
	assert.Empty(t, back.Added)
	assert.False(t, back.Diverged)

	fwd := rangeOf(t, c, f, v1[:7], v3[:10], 0)
	assert.Equal(t, f.gitLog(v3, v1), fwd.Added, "rolling forward brings back git log v1..v3")
	assert.Empty(t, fwd.Undone)
	assert.Equal(t, v1, fwd.Live, "abbreviated ids come back in full")

	same := rangeOf(t, c, f, v3, v3, 0)
	assert.True(t, same.Empty())
}

func TestRangeDivergedNamesTheBase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base := f.commit("Dev", "a.txt", "a\n", "base")
	f.branch("feature/a", base)
	a := f.commit("Alice", "login.js", "x\n", "add login page")
	f.branch("feature/b", base)
	b := f.commit("Bob", "totals.js", "y\n", "rework totals")
	f.push("main", "feature/a", "feature/b")
	c, _ := newTestChecker(t, Config{})

	rng := rangeOf(t, c, f, b, a, 0)
	assert.True(t, rng.Diverged)
	assert.Equal(t, base, rng.Base)
	assert.Equal(t, f.gitLog(b, a), rng.Undone)
	assert.Equal(t, f.gitLog(a, b), rng.Added)
}

func TestRangeCapsAndCounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	from := f.head()
	for i := range 25 {
		f.commit("Dev", "n.txt", strconv.Itoa(i)+"\n", fmt.Sprintf("change %d", i))
	}
	f.push("main")
	c, _ := newTestChecker(t, Config{})

	rng := rangeOf(t, c, f, f.head(), from, 20)
	assert.Equal(t, f.gitLog(f.head(), from)[:20], rng.Undone, "the newest 20")
	assert.Equal(t, 25, rng.UndoneTotal)
}

func TestRangeMergeStandsForItsCommits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v1 := f.head()
	f.branch("feature/login", v1)
	f.commit("Alice", "login.js", "x\n", "add login page")
	f.commit("Alice", "login.css", "y\n", "style login page")
	f.checkout("main")
	f.commit("Bob", "fix.txt", "fix\n", "hotfix")
	f.git(f.work, "-c", "user.name=Carol", "merge", "--quiet", "--no-ff", "-m", "Merge feature/login", "feature/login")
	f.push("main", "feature/login")
	c, _ := newTestChecker(t, Config{})

	rng := rangeOf(t, c, f, f.head(), v1, 0)
	assert.Equal(t, f.gitLog(f.head(), v1), withoutMerged(rng.Undone), "first parent: the merge, then main's own")
	require.Len(t, rng.Undone, 2)
	assert.Equal(t, 2, rng.Undone[0].Merged, "the merge brought two commits")
	assert.Zero(t, rng.Undone[1].Merged)
}

func TestRangeReportsUnknownCommits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	live := f.head()
	c, rec := newTestChecker(t, Config{})
	gone := strings.Repeat("ab", 20)

	rng := rangeOf(t, c, f, live, gone, 0)
	assert.Equal(t, []string{gone}, rng.Unknown)
	assert.Empty(t, rng.Undone)
	fetches := rec.count("fetch")
	assert.Equal(t, 1, fetches, "an unknown commit is fetched for once")

	rangeOf(t, c, f, live, live, 0)
	assert.Equal(t, fetches, rec.count("fetch"), "commits the mirror has need no fetch")
}

func TestRangeRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, rec := newTestChecker(t, Config{})
	for _, bad := range []string{"", "--all", "HEAD", "main", "abc"} {
		_, err := c.Range(context.Background(), core.RangeQuery{App: "web", Repo: f.remote, Live: bad, Target: f.head()})
		assert.Error(t, err, bad)
	}
	assert.Empty(t, rec.commands(), "nothing reached git")
}
