package bot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestBadFreeTextChangesNothing: a reason or comment holding a NUL, a
// terminal escape, a bidi override or invalid UTF-8, or longer than
// core.MaxTextRunes, is refused with one readable line in the reader's
// language (not an internal error, not a bare catalogue key) and writes
// nothing: no release, no lock, no decision.
func TestBadFreeTextChangesNothing(t *testing.T) {
	long := strings.Repeat("慢", core.MaxTextRunes+1)
	texts := map[string]string{
		"nul":      "/rollback web v2 bad\x00build",
		"escape":   "/rollback web v2 \x1b[31mred\x1b[0m",
		"bidi":     "/rollback web v2 refund \u202egnp.exe",
		"not utf8": "/rollback web v2 bad \xff\xfe",
		"long":     "/rollback web v2 " + long,
		"lock":     "/lock web \x07bell",
	}
	f := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		for name, text := range texts {
			resp := f.bot.Handle(f.ctx, Message{ID: "m-" + lang + name, ChatID: "cid-web", Group: true, StaffID: "alice",
				Text: text, Origin: core.OriginText, At: f.clock.Now(), Language: lang})
			assert.True(t, resp.Refused, name)
			assert.False(t, resp.Broken, "%s: a refusal, not an internal error", name)
			assert.Nil(t, resp.Release, name)
			assert.NotContains(t, resp.Text, "refusal.", "%s: worded, not a key", name)
			assert.NotContains(t, resp.Text, "\x00", name)
			assert.NotContains(t, resp.Text, "\x1b", name)
			assert.NotContains(t, resp.Text, "\n", "%s: one line", name)
			if name == "long" {
				assert.Contains(t, resp.Text, "501", name)
				assert.NotContains(t, resp.Text, long, "the text is not echoed back")
			}
			if lang == "zh" {
				assert.NotContains(t, resp.Text, "reason", name)
			}
		}
	}
	hist, err := f.eng.History(f.ctx, "web", 100)
	require.NoError(t, err)
	assert.Len(t, hist, 3, "only the recorded releases")
	st, err := f.eng.Status(f.ctx, "web")
	require.NoError(t, err)
	assert.Nil(t, st.Active)
	assert.Empty(t, st.Locks)
}

// TestBadCommentOnADecisionChangesNothing: /reject with a NUL in its
// comment is refused and the request stays pending.
func TestBadCommentOnADecisionChangesNothing(t *testing.T) {
	f := newFixture(t)
	resp := f.say("alice", "/rollback web v2 checkout broken")
	require.NotNil(t, resp.Release, resp.Text)
	id := resp.Release.ID
	rej := f.say("bob", "/reject "+resp.Release.ID.String()+" no\x00way")
	assert.True(t, rej.Refused, rej.Text)
	assert.NotContains(t, rej.Text, "refusal.")
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, core.StatusPendingApproval, r.Status)
}
