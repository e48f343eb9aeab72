package bot

import (
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
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

func TestParseBranchAndOptions(t *testing.T) {
	ov := func(kv ...string) []core.OptionValue {
		var out []core.OptionValue
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, core.OptionValue{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	cases := []struct {
		text string
		want Command
	}{
		{"/release web feature/x env=staging cdn=true", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("env", "staging", "cdn", "true")}},
		{"/release web feature/x env=staging 修复登录", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("env", "staging"), Text: "修复登录"}},
		{`/release web feature/x note="two words" cdn=false`, Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("note", "two words", "cdn", "false")}},
		{"/release web feature/x note=“全角 引号”", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("note", "全角 引号")}},
		{"/release web feature/x note='x'", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("note", "x")}},
		{"/release web feature/x env=", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("env", "")}},
		{"/release web feature/x fix a=b later", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Text: "fix a=b later"}},
		{"/release web feature/x -- env=staging", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Text: "env=staging"}},
		{"/release web feature/x env=staging --urgent 挂了", Command{Name: CmdRelease, App: "web", Branch: "feature/x", Options: ov("env", "staging"), Text: "挂了", Urgent: true}},
		{"/branch web feature/REQ-7 REQ-7 新首页", Command{Name: CmdBranch, App: "web", Branch: "feature/REQ-7", Text: "REQ-7 新首页"}},
		{"/拉分支 web hotfix/pay", Command{Name: CmdBranch, App: "web", Branch: "hotfix/pay"}},
		{"/branches web", Command{Name: CmdBranches, App: "web"}},
	}
	tab := table(t)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			p := tab.Parse(c.text)
			require.Nil(t, p.Reply, "%v", p.Reply)
			assert.Equal(t, c.want, *p.Command)
		})
	}
}

func TestParseBadOptionQuoting(t *testing.T) {
	tab := table(t)
	for _, text := range []string{`/release web x note="open`, `/release web x note="a b`, `/release web x note="a"b"`} {
		p := tab.Parse(text)
		require.NotNil(t, p.Reply, text)
		assert.Equal(t, "parse.option_quote", p.Reply.Key, text)
		assert.Nil(t, p.Command)
	}
	for _, text := range []string{"/branch web", "/branch", "/branches"} {
		p := tab.Parse(text)
		require.NotNil(t, p.Reply, text)
		assert.Equal(t, "parse.missing", p.Reply.Key, text)
	}
}

// nopBuilder is a builder nothing calls: the test stops at the request.
type nopBuilder struct{}

func (nopBuilder) Start(context.Context, core.BuildRequest) (string, error) { return "b1", nil }
func (nopBuilder) Wait(context.Context, string, io.Writer) (core.BuildResult, error) {
	return core.BuildResult{}, nil
}
func (nopBuilder) Stop(context.Context, string) error { return nil }

// branchFixture: app web on a real bare repository, app api without one.
func branchFixture(t *testing.T) (*Bot, *core.Engine, string) {
	dir := t.TempDir()
	remote := filepath.Join(dir, "remote.git")
	work := filepath.Join(dir, "work")
	run := func(d string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = d
		cmd.Env = append(cmd.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=d@example.com", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=d@example.com")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	run(dir, "init", "--bare", "--quiet", "--initial-branch=main", remote)
	run(dir, "init", "--quiet", "--initial-branch=main", work)
	run(work, "commit", "--quiet", "--allow-empty", "-m", "initial")
	run(work, "push", "--quiet", remote, "main")
	head := run(work, "rev-parse", "HEAD")

	clock := coretest.NewClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	g, err := git.New(git.Config{CacheDir: filepath.Join(dir, "mirrors")})
	require.NoError(t, err)
	pats := []core.RequirementPattern{{Pattern: regexp.MustCompile(`REQ-\d+`), URL: "https://pm.example.com/req/{id}"}}
	web := &core.App{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, ReleaseTeams: []string{"frontend"},
		Releasers: []string{"alice"}, Policy: core.DefaultPolicy(), Repo: remote, MainBranch: "main", Job: "shop/web",
		Requirements: pats, Options: []core.OptionSpec{{Name: "env", Type: core.OptionChoice, Allowed: []string{"staging", "prod"}, Default: "prod"},
			{Name: "cdn", Type: core.OptionBool, Default: "true", Description: "refresh CDN"}}}
	api := &core.App{Name: "api", Target: core.TargetContainer, Chats: []string{"cid-web"}, ReleaseTeams: []string{"backend"},
		Releasers: []string{"alice"}, Policy: core.DefaultPolicy()}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{web, api}, Releases: s, Locks: s, Audit: s,
		Deployers: map[string]core.Deployer{"web": coretest.NewDeployer(), "api": coretest.NewDeployer()}, Clock: clock,
		Builder: nopBuilder{}, Source: g, Cutter: g, Branches: s})
	require.NoError(t, err)
	b, err := New(Config{Engine: eng, Brancher: eng, Zone: shanghai, Clock: clock})
	require.NoError(t, err)
	return b, eng, head
}

func TestBranchThenReleaseWithOptions(t *testing.T) {
	b, eng, head := branchFixture(t)
	ctx := context.Background()
	n := 0
	say := func(who, text string) Response {
		n++
		return b.Handle(ctx, Message{ID: "b" + string(rune('a'+n)), ChatID: "cid-web", Group: true, StaffID: who,
			Text: text, Origin: core.OriginText, At: time.Now(), Language: "en"})
	}

	r := say("alice", "/branch web feature/REQ-7 REQ-7 new home page")
	assert.Equal(t, "Cut feature/REQ-7 for web from commit "+head[:8]+
		". Requirement: [REQ-7](https://pm.example.com/req/REQ-7) new home page", r.Text)

	for text, want := range map[string]string{
		"/branch web feature/REQ-7":                       "already has a branch feature/REQ-7",
		"/branch web a..b":                                "is not a valid branch name",
		"/branch web x~1":                                 "is not a valid branch name",
		"/branch api feature/x":                           "api has no repository",
		"/branch web ok/by/eve":                           "not in",
		"/release web feature/REQ-7 evn=staging":          "did you mean env?",
		"/release web feature/REQ-7 env=dev":              "allowed: staging | prod",
		"/release web feature/REQ-7 cdn=maybe":            "allowed: true | false",
		"/release web feature/REQ-7 env=staging env=prod": "given twice",
		`/release web feature/REQ-7 env="staging`:         "not closed",
	} {
		who := "alice"
		if strings.Contains(text, "eve") {
			who = "eve"
		}
		got := say(who, text)
		assert.Contains(t, got.Text, want, text)
		assert.NotContains(t, strings.TrimSpace(got.Text), "\n", "one line: %s", text)
		assert.Nil(t, got.Card, text)
	}
	rs, err := eng.History(ctx, "web", 10)
	require.NoError(t, err)
	assert.Empty(t, rs, "bad input created nothing")

	r = say("alice", "/release web feature/REQ-7 env=staging")
	require.NotNil(t, r.Card, r.Text)
	assert.Contains(t, r.Card.Markdown, "[REQ-7](https://pm.example.com/req/REQ-7)")
	assert.Contains(t, r.Card.Markdown, "env=staging cdn=true")
	require.NotNil(t, r.Release)
	assert.Equal(t, []core.OptionValue{{Name: "env", Value: "staging"}, {Name: "cdn", Value: "true"}}, r.Release.Options)

	list := say("alice", "/branches web").Text
	assert.Contains(t, list, "feature/REQ-7 · [REQ-7](https://pm.example.com/req/REQ-7) new home page · alice")
	assert.Contains(t, list, "not released")

	hist := say("alice", "/history web").Text
	assert.Contains(t, hist, " · requirement [REQ-7](https://pm.example.com/req/REQ-7) new home page · options env=staging cdn=true")

	help := say("alice", "/help release").Text
	assert.Contains(t, help, "env (staging | prod, default prod)")
	assert.Contains(t, help, "cdn (true | false, default true) refresh CDN")
}
