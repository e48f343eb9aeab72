package bot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestRejectReasonReachesEveryone: the reason given with /reject is on the
// card, in the requester's 1:1 message and in /history; a request without
// a reason never shows an empty "(alice: )".
func TestRejectReasonReachesEveryone(t *testing.T) {
	f := newFixture(t)
	resp := f.say("alice", "/rollback web v2")
	require.NotNil(t, resp.Release, resp.Text)
	id := resp.Release.ID
	require.Len(t, resp.Direct, 1)
	assert.Contains(t, resp.Direct[0].Text, "→ v2（alice）", "no empty reason")
	assert.NotContains(t, resp.Direct[0].Text, "：）")

	f.say("bob", "/拒绝 4 先别回，看看日志")
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, core.StatusRejected, r.Status)

	for _, tc := range []struct{ lang, status, reason, dm, history string }{
		{"zh", "- **状态**：已拒绝（bob）", "- **拒绝原因**：先别回，看看日志（bob）",
			"✗ " + r.Label() + " 被 bob 拒绝：先别回，看看日志", "（bob 拒绝：先别回，看看日志）"},
		{"en", "- **Status**: rejected (bob)", "- **Reject reason**: 先别回，看看日志 (bob)",
			"✗ " + r.Label() + " rejected by bob: 先别回，看看日志", " (rejected by bob: 先别回，看看日志)"},
	} {
		card := f.cardOf(id, tc.lang, "")
		assert.Contains(t, card.Markdown, tc.status+"\n", "the status says it once")
		assert.Contains(t, card.Markdown, tc.reason)
		assert.Equal(t, tc.dm, f.bot.EventLine(tc.lang, core.Event{Release: r, Step: core.StepRejected}), "the requester's message")
		assert.Contains(t, f.bot.historyLine(tc.lang, r), tc.history)
	}
	history := f.say("alice", "/history web all") // a request that never ran is folded otherwise
	assert.Contains(t, history.Text, "（bob 拒绝：先别回，看看日志）")
}

// TestRejectWithoutReason: nothing dangles when no reason was given.
func TestRejectWithoutReason(t *testing.T) {
	f := newFixture(t)
	resp := f.say("alice", "/rollback web v2 broken")
	require.NotNil(t, resp.Release, resp.Text)
	assert.Contains(t, resp.Direct[0].Text, "→ v2（alice：broken）")
	f.say("bob", "/reject 4")
	r, err := f.eng.Release(f.ctx, resp.Release.ID)
	require.NoError(t, err)
	assert.Equal(t, "✗ "+r.Label()+" 被 bob 拒绝", f.bot.EventLine("zh", core.Event{Release: r, Step: core.StepRejected}))
	assert.NotContains(t, f.cardOf(r.ID, "zh", "").Markdown, "拒绝原因")
	assert.Contains(t, f.bot.historyLine("en", r), " (rejected by bob)")
}
