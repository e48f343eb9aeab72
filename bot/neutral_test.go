package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestNeutral(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "首页白屏 after v3", "首页白屏 after v3"},
		{"underscore and backtick stay", "feature/login_v2 `x`", "feature/login_v2 `x`"},
		{"bare url stays", "see https://ci/job/1", "see https://ci/job/1"},
		{"link", "[日志](http://evil.example/x)", "［日志］(http://evil.example/x)"},
		{"image", "![x](http://evil/p.png)", "!［x］(http://evil/p.png)"},
		{"bold", "**审批**：2/2", "＊＊审批＊＊：2/2"},
		{"font tag", `<font color=red>ok</font>`, "＜font color=red＞ok＜/font＞"},
		{"fake row", "broken\n- **审批**：2/2 已通过", "broken - ＊＊审批＊＊：2/2 已通过"},
		{"crlf and tabs", "a\r\n\tb", "a b"},
		{"leading heading", "# 紧急", "＃ 紧急"},
		{"leading heading after spaces", "  ## x", "  ＃# x"},
		{"hash inside stays", "issue #12", "issue #12"},
		{"release label stays", "#4 · web v4", "#4 · web v4"},
		{"quote", "> quoted", "＞ quoted"},
		{"rtl override", "v1\u202e3v", "v13v"},
		{"isolates and marks", "\u2066a\u2069\u200e\u200f\u061cb", "ab"},
		{"zero width", "ro\u200bll\ufeffback\u2060", "rollback"},
		{"zwj stays", "👩\u200d💻", "👩\u200d💻"},
		{"terminal escape", "\x1b[31mred\x1b[0m \x1b]0;title\x07", "［31mred［0m ］0;title"},
		{"nul and del", "a\x00b\x7fc", "abc"},
		{"c1 csi", "a\u009b31mb\u0085c", "a31mbc"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Neutral(tc.in))
		})
	}
}

func TestControlFreeKeepsLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"### 标题\n- **行**：值\n", "### 标题\n- **行**：值\n"},
		{"a\r\nb\tc", "a\nb\tc"},
		{"\x1b[2Jcleared\x1b[H", "[2Jcleared[H"},
		{"x\u202ey", "xy"},
	} {
		assert.Equal(t, tc.want, controlFree(tc.in, true), "%q", tc.in)
	}
}

// hostile is text that tries every trick on every renderer. A person's
// reason, comment or lock reason with its control and bidi characters is
// refused by core (core.CheckText, TestBadFreeTextChangesNothing), so what
// people type is hostileTyped, the markdown tricks core lets through;
// hostile whole still reaches renderers from outside (a deploy script's
// progress line, a build's output).
const (
	hostile      = hostileTyped + " \u202egnp.exe \x1b[2J\x1b]0;pwned\x07"
	hostileTyped = "[官方日志](http://evil.example) **已验证**：是\n- **安全审计**：通过"
)

// clean says a rendered text shows hostile's words and none of its tricks.
func clean(t *testing.T, where, s string) {
	t.Helper()
	assert.Contains(t, s, "官方日志", where) // the words are still there
	inert(t, where, s)
}

// inert says s carries none of hostile's tricks.
func inert(t *testing.T, where, s string) {
	t.Helper()
	assert.NotContains(t, s, "](http://evil", where)
	assert.NotContains(t, s, "**已验证**", where)
	assert.NotContains(t, s, "- **安全审计**", where)
	assert.NotContains(t, s, "\u202e", where)
	assert.NotContains(t, s, "\x1b", where)
	assert.NotContains(t, s, "\x07", where)
}

// TestHostileReasonEverywhere renders a hostile reason, reject comment
// and lock reason through the card (markdown and every variable), the
// group replies, the approvers' and requester's 1:1 texts, /history,
// /status and the progress lines `dingops chat` prints.
func TestHostileReasonEverywhere(t *testing.T) {
	f := newFixture(t)
	resp := f.say("alice", "/rollback web v2 "+hostileTyped)
	require.NotNil(t, resp.Release, resp.Text)
	id := resp.Release.ID
	inert(t, "reply", resp.Text)
	for _, d := range resp.Direct {
		clean(t, "approvers' 1:1", d.Text)
	}
	for _, lang := range []string{"zh", "en"} {
		c := f.cardOf(id, lang, "")
		clean(t, "card markdown "+lang, c.Markdown)
		assert.Equal(t, 1, strings.Count(c.Markdown, "- **"+f.bot.t(lang, "card.reason")), "one reason row")
		clean(t, "reason variable", c.Params["reason"])
		for k, v := range c.Params {
			assert.NotContains(t, v, "\x1b", k)
			assert.NotContains(t, v, "\u202e", k)
		}
	}
	rej := f.say("carol", fmt.Sprintf("/reject %d %s", id, hostileTyped))
	inert(t, "reject reply", rej.Text)
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	clean(t, "requester's 1:1", f.bot.EventLine("zh", core.Event{Release: r, Step: core.StepRejected}))
	clean(t, "rejected card", f.cardOf(id, "zh", "").Markdown)
	clean(t, "history", f.say("alice", "/history web all").Text)
	clean(t, "progress line", f.bot.EventLine("zh", core.Event{Release: r, Step: core.StepProgress, Message: hostile}))

	lock := f.say("bob", "/lock web "+hostileTyped)
	clean(t, "lock reply", lock.Text)
	clean(t, "status", f.say("alice", "/status web").Text)
	unlock := f.say("bob", "/unlock web")
	clean(t, "unlock", unlock.Text)
}

// TestEchoedInputIsNeutral: a parse error quoting what was typed does
// not turn it into markup or a terminal escape.
func TestEchoedInputIsNeutral(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"/rolback **x** \x1b[2J", "/history web [a](http://evil)", "/approve [a](http://evil.example)"} {
		out := f.say("alice", text).Text
		assert.NotContains(t, out, "\x1b", text)
		assert.NotContains(t, out, "](http://evil", text)
		assert.NotContains(t, out, "**x**", text)
	}
}
