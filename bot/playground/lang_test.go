package playground_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
)

// han is a Chinese character: an English reader's text has none.
var han = regexp.MustCompile(`\p{Han}+`)

// authors are the playground repository's commit authors: people's names
// are data, shown as they are in every language.
var authors = strings.NewReplacer("李雷", "", "韩梅梅", "")

// noChinese fails when s, text the bot sent an English reader, has
// Chinese in it (other than people's names).
func noChinese(t *testing.T, what, s string) {
	t.Helper()
	assert.Empty(t, han.FindAllString(authors.Replace(s), -1), "%s has Chinese in English: %s", what, s)
}

// cardText is everything a card shows: its body, buttons and notice.
func cardText(c *playground.Card) string {
	s := c.Notice
	for k, v := range c.Data {
		if k != "app" && k != "status" && k != "release_id" {
			s += "\n" + k + "=" + v
		}
	}
	return s
}

// TestPlaygroundInEnglish runs the demo's flow with --lang en: every card,
// notice and reply the bot sends is English.
func TestPlaygroundInEnglish(t *testing.T) {
	r := startWith(t, playground.Options{Lang: "en"})
	assert.Equal(t, "en", r.p.Lang())
	for _, m := range r.state("alice").Messages {
		noChinese(t, "the seeded "+m.Kind, m.Text+m.Title)
	}

	r.say("alice", "/rollback web v2")
	pending := r.cardIs("alice", "web", "pending_approval")
	noChinese(t, "the approval card", cardText(pending))
	assert.Contains(t, pending.Data["body"], "b97df9e web: new checkout button")

	code, out := r.post("/click", map[string]string{"as": "dave", "card": pending.OutTrackID, "action": "approve"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	st := r.waitFor("dave", "dave's notice", func(st playground.State) bool { return card(st, "web").Notice != "" })
	noChinese(t, "dave's refusal", card(st, "web").Notice)

	code, out = r.post("/click", map[string]string{"as": "bob", "card": pending.OutTrackID, "action": "approve"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	noChinese(t, "the finished card", cardText(r.cardIs("bob", "web", "succeeded")))

	r.say("alice", "/release web feature/conflict")
	noChinese(t, "the conflict refusal", r.reply("alice", playground.ConflictFile).Text)
	r.say("alice", "/status web")
	noChinese(t, "/status", r.reply("alice", "Live").Text)
	for _, m := range r.state("alice").Direct {
		noChinese(t, "a direct message", m.Text+m.Title)
	}
}

// TestPlaygroundLanguageSwitch: the page's language switch restarts the
// bot in that language, and the page follows the bot.
func TestPlaygroundLanguageSwitch(t *testing.T) {
	r := start(t, "")
	assert.Equal(t, "zh", r.p.Lang())
	page := func(query string) string {
		resp, err := http.Get(r.p.URL() + query)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}
	assert.Contains(t, page("?lang=en"), `lang="en"`)
	assert.Equal(t, "en", r.p.Lang(), "the switch restarted the bot in English")
	assert.Contains(t, page(""), `lang="en"`, "the page follows the bot")

	r.say("alice", "/status web")
	noChinese(t, "/status after the switch", r.reply("alice", "Live").Text)
	r.say("alice", "/rollback web v2")
	noChinese(t, "the card after the switch", cardText(r.cardIs("alice", "web", "pending_approval")))

	assert.Contains(t, page("?lang=zh"), `lang="zh"`)
	assert.Equal(t, "zh", r.p.Lang())
	r.say("alice", "/windows web")
	r.reply("alice", "发布窗口")
}
