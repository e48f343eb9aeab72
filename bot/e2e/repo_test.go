package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dingops/dingops/core"
)

// repo is the throwaway "remote" every test inspects. It is built once by
// TestMain and only read afterwards (each replica fetches it into its own
// mirror), so the tests may share it.
var repo repoFixture

// repoFixture is a bare repository whose main branch carries a hotfix that
// is live in production (v1's commit), and branches for each pre-check:
//
//	main            initial → hotfix (live) → totals with cents
//	feature/login   hotfix → add login page → style login page   (clean)
//	feature/broken  hotfix → add flaky test                      (clean; its build fails)
//	feature/conflict hotfix → rework totals                      (conflicts on app.js)
//	feature/old     initial → old feature                        (lacks the hotfix)
type repoFixture struct {
	Remote    string
	Hotfix    core.Commit   // the commit of what is live (v1)
	Login     []core.Commit // feature/login's commits since the hotfix, newest first
	LoginHead string
	Old       string // feature/old's head
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dingops-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	repo, err = buildRepo(dir)
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "e2e: building the test repository:", err)
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// gitRun runs git in dir with the machine's git config shut out, so a
// developer's hooks, signing or aliases cannot change the fixture.
type gitRun struct {
	dir string
	err error
}

func (g *gitRun) git(args ...string) string {
	if g.err != nil {
		return ""
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C", "GIT_COMMITTER_NAME=CI", "GIT_COMMITTER_EMAIL=ci@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.err = fmt.Errorf("git %v: %w: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit writes file and commits it as author; it returns the commit.
func (g *gitRun) commit(author, file, content, subject string) core.Commit {
	if g.err == nil {
		g.err = os.WriteFile(filepath.Join(g.dir, file), []byte(content), 0o644)
	}
	g.git("add", "--", file)
	g.git("-c", "user.name="+author, "-c", "user.email=dev@example.com", "commit", "--quiet", "--no-gpg-sign", "-m", subject)
	return core.Commit{SHA: g.git("rev-parse", "HEAD"), Author: author, Subject: subject}
}

func buildRepo(dir string) (repoFixture, error) {
	f := repoFixture{Remote: filepath.Join(dir, "web.git")}
	g := &gitRun{dir: dir}
	g.git("init", "--quiet", "--bare", "--initial-branch=main", f.Remote)
	g.git("init", "--quiet", "--initial-branch=main", "work")
	g.dir = filepath.Join(dir, "work")
	g.commit("Dev", "app.js", "export const total = round(sum)\n", "initial")
	g.git("checkout", "--quiet", "-b", "feature/old")
	f.Old = g.commit("Li Lei", "old.js", "old\n", "old feature").SHA
	g.git("checkout", "--quiet", "main")
	f.Hotfix = g.commit("Han Meimei", "app.js", "export const total = roundHalfEven(sum)\n", "hotfix: payment rounding")
	g.git("checkout", "--quiet", "-b", "feature/login")
	a := g.commit("Alice", "login.js", "login\n", "add login page")
	b := g.commit("Bob", "login.css", "css\n", "style login page")
	f.Login, f.LoginHead = []core.Commit{b, a}, b.SHA
	g.git("checkout", "--quiet", "-b", "feature/broken", "main")
	g.commit("Alice", "flaky.spec.js", "flaky\n", "add flaky test")
	g.git("checkout", "--quiet", "-b", "feature/conflict", "main")
	g.commit("Alice", "app.js", "export const total = Math.round(sum * 100) / 100\n", "rework totals")
	g.git("checkout", "--quiet", "main")
	g.commit("Bob", "app.js", "export const total = roundHalfEven(sum, 2)\n", "totals with cents")
	g.git("push", "--quiet", f.Remote, "main", "feature/old", "feature/login", "feature/broken", "feature/conflict")
	return f, g.err
}
