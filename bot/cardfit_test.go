package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "…"},
		{"abcdef", 5, "ab…"},
		{"发布失败了", 9, "发布…"},  // 3 bytes a rune: 6 + "…"
		{"发布失败了", 10, "发布…"}, // never half a rune
		{"发布失败了", 15, "发布失败了"},
		{"ab", 0, ""},
	} {
		got := cut(c.in, c.max)
		assert.Equal(t, c.want, got, "cut(%q, %d)", c.in, c.max)
		assert.True(t, utf8.ValidString(got))
		assert.LessOrEqual(t, len(got), max(c.max, 0))
	}
}

// longPlans are the two cards that used to exceed DingTalk's 1 KB: a
// release shipping 20 commits with long subjects, and a failed build with
// a long output.
func longPlans(now time.Time) map[string]core.Plan {
	live := core.Release{ID: 3, App: "web", Version: 3, Requester: "alice", FinishedAt: now.Add(-time.Hour),
		Artifact: core.Artifact{Kind: core.TargetOSS, Ref: "web/manifest.3.json", Display: "h3"}}
	commits := make([]core.Commit, 20)
	for i := range commits {
		commits[i] = core.Commit{SHA: fmt.Sprintf("%08x%032d", i+1, 0), Author: "李雷",
			Subject: fmt.Sprintf("修复支付页面在弱网环境下重复提交订单的问题，并补充回归测试 %d", i+1)}
	}
	release := core.Release{ID: 41, App: "web", Version: 4, Kind: core.KindRelease, Status: core.StatusPendingApproval,
		Branch: "feature/checkout", Commit: strings.Repeat("a", 40), Requester: "alice", Reason: "上线新的结算流程",
		ApprovalsNeeded: 1, CreatedAt: now, ExpiresAt: now.Add(30 * time.Minute)}
	var out strings.Builder
	for i := range 60 {
		fmt.Fprintf(&out, "[INFO] 编译模块 checkout-%02d：警告 unused import ‘lodash’ 位于 src/pages/checkout/step%02d.tsx\n", i, i)
	}
	failed := core.Release{ID: 42, App: "web", Version: 5, Kind: core.KindRelease, Status: core.StatusFailed,
		Branch: "feature/checkout", Commit: strings.Repeat("b", 40), Requester: "alice", CreatedAt: now,
		StartedAt: now, FinishedAt: now.Add(time.Minute), Error: "build failed: npm run build exited with 1",
		Output: out.String(), BuildRef: "web-build#88"}
	return map[string]core.Plan{
		"long_release": {Release: release, Live: &live, Commits: commits},
		"long_failed":  {Release: failed, Live: &live, Commits: commits[:3]},
	}
}

func TestCardFitsDingTalkLimits(t *testing.T) {
	f := newFixture(t)
	for name, p := range longPlans(f.clock.Now()) {
		for _, lang := range []string{"zh", "en"} {
			for _, public := range []string{"", "https://ops.example.com/"} {
				t.Run(fmt.Sprintf("%s.%s.%t", name, lang, public != ""), func(t *testing.T) {
					f.bot.cfg.PublicURL = public
					c := f.bot.card(lang, p, "")
					require.Greater(t, len(c.Markdown), CardValueMax, "the test card must be too long to send whole")
					for k, v := range c.Params {
						assert.LessOrEqual(t, len(k), CardKeyMax, k)
						assert.LessOrEqual(t, len(v), CardValueMax, "%s is %d bytes", k, len(v))
						assert.True(t, utf8.ValidString(v), k)
					}
					body := c.Params["body"]
					assert.Contains(t, body, c.Title)
					assert.Contains(t, body, f.bot.t(lang, "card.requester"))
					assert.Contains(t, body, f.bot.t(lang, "card.commits_count", "n", len(p.Commits)), "the commit list goes first")
					assert.Zero(t, strings.Count(body, "```")%2, "a code fence is never cut open")
					if p.Release.Status == core.StatusFailed {
						assert.Contains(t, body, "step59.tsx", "the last output lines stay while they fit")
						assert.NotContains(t, body, "step52.tsx", "the output tail is shortened")
					}
					link := "https://ops.example.com/apps/web#release-" + p.Release.ID.String()[1:]
					if public != "" {
						assert.Contains(t, body, "("+link+")")
						golden(t, fmt.Sprintf("card_%s.%s.md", name, lang), body)
					} else {
						assert.NotContains(t, body, "](")
					}
					got := strings.TrimSuffix(c.Params["commits"], fmt.Sprintf(" (+%d)", 11))
					assert.True(t, strings.HasPrefix(commitList(p.Commits), got), "whole commits while they fit: %s", got)
				})
			}
		}
	}
}

func TestFitCommitsKeepsWholeCommits(t *testing.T) {
	f := newFixture(t)
	p := longPlans(f.clock.Now())["long_release"]
	got := fitCommits(p.Commits)
	require.LessOrEqual(t, len(got), CardValueMax)
	shown := strings.Count(got, "; ") + 1
	assert.Less(t, shown, 20)
	assert.True(t, strings.HasSuffix(got, fmt.Sprintf(" (+%d)", 20-shown)), got)
	assert.Equal(t, commitList(p.Commits[:shown]), strings.TrimSuffix(got, fmt.Sprintf(" (+%d)", 20-shown)))

	one := []core.Commit{{SHA: "abc", Subject: strings.Repeat("长", 600)}}
	assert.LessOrEqual(t, len(fitCommits(one)), CardValueMax, "one huge subject is cut")
}

func TestShortCardUnchanged(t *testing.T) {
	f := newFixture(t)
	id := f.request("/rollback web v2 首页白屏")
	c := f.cardOf(id, "zh", "")
	assert.Equal(t, c.Markdown, c.Params["body"], "a card that fits is sent whole")
}
