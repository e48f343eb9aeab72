package playground

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Branches of the playground repository.
const (
	BranchMain     = "main"
	BranchClean    = "feature/clean"    // merges cleanly: /release web feature/clean succeeds
	BranchConflict = "feature/conflict" // conflicts with main on ConflictFile
	// ConflictFile is the file feature/conflict and main both changed.
	ConflictFile = "web/checkout.js"
)

// repoCommits are the commits of what is live at start: the demo's v1, v2
// and v3 of every app were built from them.
type repoCommits [3]string

// repoStart is when the fixture's commits were made: fixed dates make the
// commit ids the same on every machine.
var repoStart = time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// git runs git in dir with the machine's configuration shut out, so a
// developer's hooks, signing or aliases cannot change the repository.
type git struct {
	ctx  context.Context
	dir  string
	step int // commits so far: each is an hour after the previous
	err  error
}

func (g *git) run(args ...string) string {
	if g.err != nil {
		return ""
	}
	cmd := exec.CommandContext(g.ctx, "git", args...)
	cmd.Dir = g.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	at := repoStart.Add(time.Duration(g.step) * time.Hour).Format(time.RFC3339)
	cmd.Env = append(cmd.Env, "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C", "GIT_AUTHOR_DATE="+at, "GIT_COMMITTER_DATE="+at, "GIT_COMMITTER_NAME=CI",
		"GIT_COMMITTER_EMAIL=ci@shop.example")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.err = fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out))
}

// commit writes file and commits it as author; it returns the commit id.
func (g *git) commit(author, file, content, subject string) string {
	if g.err == nil {
		path := filepath.Join(g.dir, file)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			g.err = err
		} else if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			g.err = err
		}
	}
	g.step++
	g.run("add", "--", file)
	g.run("-c", "user.name="+author, "-c", "user.email=dev@shop.example", "commit", "--quiet", "--no-gpg-sign", "-m", subject)
	return g.run("rev-parse", "HEAD")
}

// makeRepo builds the shop's bare repository at dir/shop.git, unless it is
// there already (--data keeps it, and the recorded releases name its
// commits). It returns the path and the commits of v1, v2 and v3.
func makeRepo(ctx context.Context, dir string) (string, repoCommits, error) {
	bare := filepath.Join(dir, "shop.git")
	if _, err := exec.LookPath("git"); err != nil {
		return "", repoCommits{}, fmt.Errorf("the playground needs git on the PATH for the branch pre-checks: %w", err)
	}
	if _, err := os.Stat(bare); err != nil {
		if err := buildRepo(ctx, dir, bare); err != nil {
			return "", repoCommits{}, fmt.Errorf("creating the repository: %w", err)
		}
	}
	g := &git{ctx: ctx, dir: bare}
	var cs repoCommits
	for i := range cs { // main is one commit past v3 (not released yet)
		cs[i] = g.run("rev-parse", fmt.Sprintf("%s~%d", BranchMain, len(cs)-i))
	}
	if g.err != nil {
		return "", repoCommits{}, fmt.Errorf("reading the repository: %w", g.err)
	}
	return bare, cs, nil
}

func buildRepo(ctx context.Context, dir, bare string) error {
	work, err := os.MkdirTemp(dir, "work-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	g := &git{ctx: ctx, dir: work}
	history(g)
	g.run("init", "--quiet", "--bare", "--initial-branch="+BranchMain, bare)
	g.run("push", "--quiet", bare, BranchMain, BranchClean, BranchConflict)
	return g.err
}

// history commits the shop's story in g's work tree:
//
//	main              v1 → v2 (payment fix) → v3 (checkout button) → totals with cents (not released)
//	feature/clean     v3 → add login page → style login page        (merges cleanly)
//	feature/conflict  v3 → rework checkout totals                    (conflicts on web/checkout.js)
func history(g *git) {
	var cs repoCommits
	g.run("init", "--quiet", "--initial-branch="+BranchMain)
	g.commit("韩梅梅", "README.md", "# shop\n\nweb/, api/ and mini/ are released by dingops.\n", "initial")
	g.commit("韩梅梅", "api/main.go", "package main\n\nfunc main() { serve() }\n", "api: first version")
	g.commit("李雷", "mini/app.json", "{\"pages\": [\"pages/index/index\"]}\n", "mini: first version")
	cs[0] = g.commit("李雷", ConflictFile, "export const total = (sum) => Math.round(sum)\n", "web: checkout page")
	cs[1] = g.commit("韩梅梅", "web/pay.js", "export const pay = (total) => charge(roundHalfEven(total))\n", "fix: payment rounding")
	cs[2] = g.commit("李雷", "web/button.js", "export const label = '立即购买'\n", "web: new checkout button")
	g.run("checkout", "--quiet", "-b", BranchClean)
	g.commit("Alice", "web/login.js", "export const login = () => show('login')\n", "add login page")
	g.commit("Alice", "web/login.css", ".login { margin: 0 auto; }\n", "style login page")
	g.run("checkout", "--quiet", "-b", BranchConflict, cs[2])
	g.commit("Alice", ConflictFile, "export const total = (sum) => Math.floor(sum * 100) / 100\n", "rework checkout totals")
	g.run("checkout", "--quiet", BranchMain)
	g.commit("韩梅梅", ConflictFile, "export const total = (sum) => roundHalfEven(sum, 2)\n", "checkout: totals with cents")
}
