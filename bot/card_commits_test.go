package bot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// shop is a real repository, built with fixed dates so its commit ids are
// the same on every machine (the golden cards show them):
//
//	main             c0 → v1 → v2 (payment fix) → v3 (checkout button) → cents
//	feature/clean    v3 → add login page → style login page
//	feature/conflict v3 → rework checkout totals
//	feature/many     v1 → 30 small changes
type shop struct {
	t      *testing.T
	work   string
	bare   string
	step   int
	commit map[string]string // name → full id
}

func newShop(t *testing.T) *shop {
	dir := t.TempDir()
	s := &shop{t: t, work: filepath.Join(dir, "work"), bare: filepath.Join(dir, "shop.git"), commit: map[string]string{}}
	s.git(dir, "init", "--quiet", "--initial-branch=main", s.work)
	s.add("c0", "韩梅梅", "README.md", "initial")
	s.add("v1", "李雷", "web/checkout.js", "web: checkout page")
	s.add("v2", "韩梅梅", "web/pay.js", "fix: payment rounding")
	s.add("v3", "李雷", "web/button.js", "web: new checkout button")
	s.git(s.work, "checkout", "--quiet", "-b", "feature/clean")
	s.add("login", "Alice", "web/login.js", "add login page")
	s.add("clean", "Alice", "web/login.css", "style login page")
	s.git(s.work, "checkout", "--quiet", "-b", "feature/conflict", s.commit["v3"])
	s.add("conflict", "Bob", "web/checkout.js", "rework checkout totals")
	s.git(s.work, "checkout", "--quiet", "-b", "feature/many", s.commit["v1"])
	for i := range 30 {
		s.add("many", "Carol", fmt.Sprintf("web/n%02d.js", i), fmt.Sprintf("small change %d", i))
	}
	s.git(s.work, "checkout", "--quiet", "main")
	s.add("cents", "韩梅梅", "web/checkout.js", "checkout: totals with cents")
	s.git(dir, "init", "--quiet", "--bare", "--initial-branch=main", s.bare)
	s.git(s.work, "push", "--quiet", s.bare, "main", "feature/clean", "feature/conflict", "feature/many")
	return s
}

func (s *shop) git(dir string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, shanghai).Add(time.Duration(s.step) * time.Hour).Format(time.RFC3339)
	cmd.Env = append(cmd.Env, "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C",
		"GIT_AUTHOR_DATE="+at, "GIT_COMMITTER_DATE="+at, "GIT_COMMITTER_NAME=CI", "GIT_COMMITTER_EMAIL=ci@shop.example")
	out, err := cmd.CombinedOutput()
	require.NoError(s.t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

func (s *shop) add(name, author, file, subject string) {
	s.step++
	path := filepath.Join(s.work, file)
	require.NoError(s.t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(s.t, os.WriteFile(path, []byte(subject+"\n"), 0o644))
	s.git(s.work, "add", "--", file)
	s.git(s.work, "-c", "user.name="+author, "-c", "user.email=dev@shop.example", "commit", "--quiet", "--no-gpg-sign", "-m", subject)
	s.commit[name] = s.git(s.work, "rev-parse", "HEAD")
}

// oneline is `git log --first-parent --oneline include ^exclude`, with
// authors, as the card writes it.
func (s *shop) oneline(include, exclude string) []string {
	out := s.git(s.work, "log", "--first-parent", "--format=%h %s (%an)", "--abbrev=7", s.commit[include], "^"+s.commit[exclude], "--")
	return strings.Split(out, "\n")
}

// newGitFixture is the bot fixture with web releasing from shop, its
// commits listed by the git mirror; releases are recorded with the named
// commits, in order, the last one live.
func newGitFixture(t *testing.T, s *shop, commits ...string) *fixture {
	clock := coretest.NewClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	st := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	dep := coretest.NewDeployer()
	src, err := git.New(git.Config{CacheDir: t.TempDir(), Timeout: 30 * time.Second})
	require.NoError(t, err)
	app := &core.App{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, Repo: s.bare, MainBranch: "main",
		ReleaseTeams: []string{"frontend"}, ApproverTeams: []string{"sre"}, Releasers: []string{"alice"},
		Approvers: []string{"bob", "carol"}, Policy: core.DefaultPolicy()}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{app}, Releases: st, Locks: st, Audit: st,
		Deployers: map[string]core.Deployer{"web": dep}, Clock: clock, Source: src})
	require.NoError(t, err)
	b, err := New(Config{Engine: eng, Zone: shanghai, Clock: clock, Chats: map[string]string{"cid-en": "en"}})
	require.NoError(t, err)
	f := &fixture{t: t, ctx: context.Background(), clock: clock, eng: eng, dep: dep, bot: b}
	for i, name := range commits {
		a := core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("web/manifest.%d.json", i+1), Digest: fmt.Sprintf("E%d", i+1),
			Display: fmt.Sprintf("h%d", i+1)}
		dep.Add(a.Ref)
		commit := s.commit[name]
		if commit == "" {
			commit = name // a commit the repository does not have
		}
		_, _, err := eng.Record(f.ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web", Artifact: a,
			Commit: commit, By: "alice"})
		require.NoError(t, err)
		dep.SetLive(a)
		clock.Advance(time.Hour)
	}
	return f
}

// rollbackCard asks for a rollback and returns its card in both languages.
func (f *fixture) rollbackCard(cmd string) (zh, en *Card) {
	f.t.Helper()
	resp := f.say("alice", cmd)
	require.False(f.t, resp.Refused, resp.Text)
	require.NotNil(f.t, resp.Release)
	return f.cardOf(resp.Release.ID, "zh", ""), f.cardOf(resp.Release.ID, "en", "")
}

// rowOf is the value of the card row labelled label.
func rowOf(c *Card, label string) string {
	for _, line := range strings.Split(c.Markdown, "\n") {
		if v, ok := strings.CutPrefix(line, "- **"+label+"**: "); ok {
			return v
		}
	}
	return ""
}

func TestRollbackCardCommitsFromGit(t *testing.T) {
	s := newShop(t)
	for _, tc := range []struct {
		name     string
		recorded []string // commits of v1, v2, … the last live
		cmd      string
		undone   [2]string // git log range the card lists as undone: include, exclude
		back     [2]string
	}{
		// CI recorded v1–v3 with a commit each and no lists.
		{name: "recorded", recorded: []string{"v1", "v2", "v3"}, cmd: "/rollback web v2", undone: [2]string{"v3", "v2"}},
		{name: "recorded_two", recorded: []string{"v1", "v2", "v3"}, cmd: "/rollback web v1", undone: [2]string{"v3", "v1"}},
		// feature/clean is live: going back to v1 undoes the payment fix
		// too; going back to v3 keeps the checkout button (v3 is it).
		{name: "branch_to_v1", recorded: []string{"v1", "v2", "v3", "clean"}, cmd: "/rollback web v1", undone: [2]string{"clean", "v1"}},
		{name: "branch_to_v3", recorded: []string{"v1", "v2", "v3", "clean"}, cmd: "/rollback web v3", undone: [2]string{"clean", "v3"}},
		// v1 is live again (re-deployed by CI), v3 comes back.
		{name: "forward", recorded: []string{"v1", "v2", "v3", "v1"}, cmd: "/rollback web v3", back: [2]string{"v3", "v1"}},
		// feature/conflict is live; feature/clean was before it.
		{name: "diverged", recorded: []string{"v1", "v2", "v3", "clean", "conflict"}, cmd: "/rollback web v4",
			undone: [2]string{"conflict", "clean"}, back: [2]string{"clean", "conflict"}},
		{name: "many", recorded: []string{"v1", "many"}, cmd: "/rollback web v1", undone: [2]string{"many", "v1"}},
		{name: "unknown", recorded: []string{strings.Repeat("0f", 20), "v3"}, cmd: "/rollback web v1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newGitFixture(t, s, tc.recorded...)
			zh, en := f.rollbackCard(tc.cmd)
			golden(t, "card_commits_"+tc.name+".zh.md", zh.Markdown)
			golden(t, "card_commits_"+tc.name+".en.md", en.Markdown)
			for _, side := range []struct {
				label string
				r     [2]string
			}{{"Commits undone", tc.undone}, {"Commits brought back", tc.back}} {
				got := rowOf(en, side.label)
				if side.r[0] == "" {
					assert.Empty(t, got, side.label)
					continue
				}
				want := s.oneline(side.r[0], side.r[1])
				if len(want) > 20 {
					want = append(want[:20], fmt.Sprintf("and %d more", len(want)-20))
				}
				assert.Equal(t, strings.Join(want, "; "), got, "%s: git log %s..%s", side.label, side.r[1], side.r[0])
			}
		})
	}
}
