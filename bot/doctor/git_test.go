package doctor_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/bot/doctor"
)

func TestGitMainBranchAndUnreachableRepository(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "shop.git")
	for _, args := range [][]string{{"init", "-q", "-b", "main", repo}, {"-C", repo, "-c", "user.name=t", "-c", "user.email=t@x",
		"commit", "-q", "--allow-empty", "-m", "one"}} {
		out, err := exec.Command("git", args...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	gc, err := git.New(git.Config{CacheDir: filepath.Join(dir, "mirrors")})
	require.NoError(t, err)
	id := func(s string) string { return s }
	missing := filepath.Join(dir, "nope.git")
	checks := doctor.GitChecks(gc.LsRemote, map[string]string{repo: "main"}, id)
	assert.Equal(t, doctor.OK, find(t, checks, repo).Status)

	r := find(t, doctor.GitChecks(gc.LsRemote, map[string]string{repo: "trunk"}, id), repo)
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "main_branch")

	r = find(t, doctor.GitChecks(gc.LsRemote, map[string]string{missing: "main"}, id), missing)
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "git.credentials")
}
