package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestParseNumbers: every token shaped like a version, a release id or a
// count either is a valid one or gets its own line; a reason that starts
// with such a token is quoted or put after --.
func TestParseNumbers(t *testing.T) {
	cases := []struct {
		text string
		want Command
		key  string // the reply, when no command
	}{
		{text: "/rollback web v0", key: "parse.version_start"},
		{text: "/rollback web V0 broken", key: "parse.version_start"},
		{text: "/rollback web v-1", key: "parse.version_start"},
		{text: "/rollback web 0", key: "parse.version_start"},
		{text: "/rollback web -1 broken", key: "parse.version_start"},
		{text: "/rollback web v99999999999999999999", key: "parse.no_such_version"},
		{text: "/rollback web 1234567890", key: "parse.no_such_version"},
		{text: "/rollback web v1.2", key: "parse.bad_version"},
		{text: "/rollback web v42x", key: "parse.bad_version"},
		{text: "/rollback web v+3", key: "parse.bad_version"},
		{text: "/rollback web v2的构建坏了", key: "parse.bad_version"},
		{text: "/rollback web v999999999", want: Command{Name: CmdRollback, App: "web", Version: 999999999}},
		{text: "/rollback web v007", want: Command{Name: CmdRollback, App: "web", Version: 7}},
		{text: "/rollback web very broken", want: Command{Name: CmdRollback, App: "web", Text: "very broken"}},
		{text: "/rollback web v", want: Command{Name: CmdRollback, App: "web", Text: "v"}},
		{text: "/rollback web -- v2 is bad", want: Command{Name: CmdRollback, App: "web", Text: "v2 is bad"}},
		{text: "/rollback web —— v0 again --urgent", want: Command{Name: CmdRollback, App: "web", Text: "v0 again", Urgent: true}},
		{text: "/rollback web v3 -- v2 is bad", want: Command{Name: CmdRollback, App: "web", Version: 3, Text: "v2 is bad"}},
		{text: "/rollback web broken -- see v2", want: Command{Name: CmdRollback, App: "web", Text: "broken -- see v2"}},
		{text: `/rollback web "v2 is bad"`, want: Command{Name: CmdRollback, App: "web", Text: "v2 is bad"}},
		{text: `/rollback web “v0 又坏了”`, want: Command{Name: CmdRollback, App: "web", Text: "v0 又坏了"}},
		{text: `/rollback web "v2" is bad`, want: Command{Name: CmdRollback, App: "web", Text: `"v2" is bad`}},
		{text: "/approve 0", key: "parse.id_start"},
		{text: "/approve #0", key: "parse.id_start"},
		{text: "/reject #-3 no", key: "parse.id_start"},
		{text: "/cancel 99999999999999999999", key: "parse.no_such_release"},
		{text: "/approve v3", key: "parse.bad_id"},
		{text: "/approve 12 -- 3 looks fine", want: Command{Name: CmdApprove, ID: 12, Text: "3 looks fine"}},
		{text: "/cancel 3 --", key: "parse.extra"},
		{text: "/cancel 3 -- x", key: "parse.extra"},
		{text: "/lock web --", key: "parse.missing"},
		{text: "/history web 0", key: "parse.count_range"},
		{text: "/history web -1", key: "parse.count_range"},
		{text: "/history web 101", key: "parse.count_range"},
		{text: "/history web 99999999999999999999", key: "parse.count_range"},
		{text: "/history web 100", want: Command{Name: CmdHistory, App: "web", N: 100}},
		{text: "/history web all", want: Command{Name: CmdHistory, App: "web", All: true}},
		{text: "/历史 web 20 全部", want: Command{Name: CmdHistory, App: "web", N: 20, All: true}},
		{text: "/history web all 20", want: Command{Name: CmdHistory, App: "web", N: 20, All: true}},
		{text: "/history web all all", key: "parse.bad_count"},
	}
	tab := table(t)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			p := tab.Parse(c.text)
			if c.key != "" {
				require.Nil(t, p.Command, "parsed as %+v", p.Command)
				require.NotNil(t, p.Reply)
				assert.Equal(t, c.key, p.Reply.Key)
				return
			}
			require.Nil(t, p.Reply, "got reply %+v", p.Reply)
			assert.Equal(t, c.want, *p.Command)
		})
	}
}

// TestBadNumbersChangeNothing: a bad version, id or count is one line in
// the reader's language and writes nothing: no release (the store still
// holds the three recorded ones and no #4), no lock.
func TestBadNumbersChangeNothing(t *testing.T) {
	texts := []string{"/rollback web v0", "/rollback web v-1", "/rollback web v99999999999999999999",
		"/rollback web v1.2 broken", "/rollback web v42", "/approve 0", "/reject 99999999999999999999 no",
		"/cancel #-1", "/history web 0", "/history web 1000", "/lock web --"}
	f := newFixture(t)
	var out strings.Builder
	for _, lang := range []string{"zh", "en"} {
		out.Reset()
		for _, text := range texts {
			resp := f.bot.Handle(f.ctx, Message{ID: "m-" + lang + text, ChatID: "cid-web", Group: true, StaffID: "alice",
				Text: text, Origin: core.OriginText, At: f.clock.Now(), Language: lang})
			assert.True(t, resp.Refused, text)
			assert.Nil(t, resp.Release, text)
			assert.NotContains(t, resp.Text, "\n", "one line for %s", text)
			fmt.Fprintf(&out, "> %s\n%s\n\n", text, resp.Text)
		}
		golden(t, "bad_numbers."+lang+".txt", out.String())
	}
	hist, err := f.eng.History(f.ctx, "web", 100)
	require.NoError(t, err)
	assert.Len(t, hist, 3, "only the recorded releases")
	_, err = f.eng.Release(f.ctx, 4)
	assert.Error(t, err, "no release #4")
	st, err := f.eng.Status(f.ctx, "web")
	require.NoError(t, err)
	assert.Nil(t, st.Active)
	assert.Empty(t, st.Locks)
}
