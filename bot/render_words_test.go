package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestWordingGolden: what a new user reads in the cases that used to be
// wrong, in both languages — without a card template nobody is told to
// click buttons that are not there; an empty reason leaves no "(alice: )";
// a 1:1 request names the group by its configured name.
func TestWordingGolden(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		var out strings.Builder
		for _, mode := range []struct {
			name    string
			buttons bool
		}{{"card template", true}, {"markdown", false}} {
			f := newFixture(t, func(c *Config) { c.Buttons = mode.buttons })
			say := func(text string, group bool) Response {
				return f.bot.Handle(f.ctx, Message{ID: fmt.Sprint(mode.name, lang, text, group), ChatID: "cid-web", Group: group,
					StaffID: "alice", Text: text, Origin: core.OriginText, At: f.clock.Now(), Language: lang})
			}
			fmt.Fprintf(&out, "## %s\n\n", mode.name)
			resp := say("/rollback web v2", false) // 1:1, no reason
			require.NotNil(t, resp.Card, resp.Text)
			fmt.Fprintf(&out, "> (1:1) /rollback web v2\n%s\n[dm %v] %s\n\n%s\n", resp.Text, resp.Direct[0].Users,
				resp.Direct[0].Text, resp.Card.Markdown)
			assert.NotContains(t, resp.Direct[0].Text, ": )")
			assert.NotContains(t, resp.Direct[0].Text, "：）")
			assert.NotContains(t, resp.Text, "cid-web", "the group by its name")
			if !mode.buttons {
				assert.NotContains(t, resp.Card.Markdown+resp.Direct[0].Text, buttonWord(lang))
			}
			say(fmt.Sprintf("/cancel %d", resp.Release.ID), true)
			resp = say("/rollback web v1 首页白屏", true)
			fmt.Fprintf(&out, "> /rollback web v1 首页白屏\n[dm %v] %s\n\n", resp.Direct[0].Users, resp.Direct[0].Text)
		}
		golden(t, "wording."+lang+".md", out.String())
	}
}

// buttonWord is the word for a button in lang, to check it is absent.
func buttonWord(lang string) string {
	if lang == "zh" {
		return "按钮"
	}
	return "button"
}
