package git

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func cutQuery(repo, name string) core.CutQuery {
	return core.CutQuery{App: "web", Repo: repo, Name: name, MainBranch: "main"}
}

func TestCutCreatesTheBranchAtMainsHead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	head := f.commit("Dev", "a.txt", "a\n", "second")
	f.push("main")
	c, _ := newTestChecker(t, Config{})

	commit, err := c.Cut(context.Background(), cutQuery(f.remote, "feature/REQ-1"))
	require.NoError(t, err)
	assert.Equal(t, head, commit)
	assert.Equal(t, head, f.git(f.remote, "rev-parse", "refs/heads/feature/REQ-1"), "the remote has the branch")

	_, err = c.Cut(context.Background(), cutQuery(f.remote, "feature/REQ-1"))
	assert.ErrorIs(t, err, core.ErrBranchExists)
}

func TestCutRefusesAnExistingBranchAndLeavesIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.branch("taken", "main")
	old := f.commit("Dev", "b.txt", "b\n", "on taken")
	f.push("taken")
	c, _ := newTestChecker(t, Config{})

	_, err := c.Cut(context.Background(), cutQuery(f.remote, "taken"))
	assert.ErrorIs(t, err, core.ErrBranchExists)
	assert.Equal(t, old, f.git(f.remote, "rev-parse", "refs/heads/taken"), "never overwritten")
}

func TestCutRefusesInvalidNamesBeforeGitTouchesTheRepository(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, rec := newTestChecker(t, Config{})
	// git-check-ref-format(1): no "..", no ASCII control or space ~ ^ : ? * [
	// or \, no component starting with "." or ending in ".lock", no "@{",
	// not "@", no trailing "/" or "."; --branch also refuses a leading "-".
	for _, name := range []string{"", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", `a\b`,
		".hidden", "x/.y", "a.lock", "a@{1}", "@", "a/", "a.", "-x", "HEAD", "a//b", "a\x01"} {
		_, err := c.Cut(context.Background(), cutQuery(f.remote, name))
		assert.ErrorIs(t, err, core.ErrBranchName, "%q", name)
	}
	for _, cmd := range rec.commands() {
		assert.NotContains(t, []string{"fetch", "push"}, subcommand(cmd.args), "an invalid name reaches neither fetch nor push")
	}
	assert.Empty(t, strings.TrimSpace(f.git(f.remote, "for-each-ref", "--format=%(refname)", "refs/heads/a*")))
}

func TestCutPushesWithTheRepositorysToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.git(f.remote, "config", "http.receivepack", "true")
	url := gitHTTPServer(t, f, "bot", testToken)
	basic := base64.StdEncoding.EncodeToString([]byte("bot:" + testToken))
	cfg := Config{Repos: map[string]RepoAuth{url: {TokenEnv: "REPO_TOKEN", User: "bot"}},
		LookupEnv: envMap(map[string]string{"REPO_TOKEN": testToken})}
	c, rec := newTestChecker(t, cfg)

	commit, err := c.Cut(context.Background(), cutQuery(url, "release/1"))
	require.NoError(t, err)
	assert.Equal(t, commit, f.git(f.remote, "rev-parse", "refs/heads/release/1"))
	pushed := false
	for _, cmd := range rec.commands() {
		assert.NotContains(t, strings.Join(cmd.args, " "), testToken)
		if subcommand(cmd.args) == "push" {
			pushed = true
			assert.Contains(t, strings.Join(cmd.env, "\n"), "GIT_CONFIG_VALUE_0=Authorization: Basic "+basic)
		}
	}
	assert.True(t, pushed)

	c.cfg.LookupEnv = envMap(map[string]string{"REPO_TOKEN": "wrong"})
	_, err = c.Cut(context.Background(), cutQuery(url, "release/2"))
	require.Error(t, err, "a wrong token is refused by the server")
	assert.NotContains(t, err.Error(), testToken)
}
