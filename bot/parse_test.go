package bot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func table(t *testing.T) *Table {
	t.Helper()
	tab, err := commands()
	require.NoError(t, err)
	return tab
}

func TestParseCommands(t *testing.T) {
	cases := []struct {
		text string
		want Command
	}{
		{"/rollback web v42", Command{Name: CmdRollback, App: "web", Version: 42}},
		{" /rollback web v42", Command{Name: CmdRollback, App: "web", Version: 42}},
		{"@dingops /rollback web v42 payments broken", Command{Name: CmdRollback, App: "web", Version: 42, Text: "payments broken"}},
		{"／ROLLBACK　Web　V42", Command{Name: CmdRollback, App: "web", Version: 42}},
		{"/回滚 web v3 支付失败 ——urgent", Command{Name: CmdRollback, App: "web", Version: 3, Text: "支付失败", Urgent: true}},
		{"/rollback web 紧急 broken", Command{Name: CmdRollback, App: "web", Text: "broken", Urgent: true}},
		{"/rollback web --urgent", Command{Name: CmdRollback, App: "web", Urgent: true}},
		{"/rollback web", Command{Name: CmdRollback, App: "web"}},
		{"/rollback web the v2 build is bad", Command{Name: CmdRollback, App: "web", Text: "the v2 build is bad"}},
		{"rollback web 7", Command{Name: CmdRollback, App: "web", Version: 7}},
		{"/release web feature/Login fix", Command{Name: CmdRelease, App: "web", Branch: "feature/Login", Text: "fix"}},
		{"/发布 web main", Command{Name: CmdRelease, App: "web", Branch: "main"}},
		{"/approve #12", Command{Name: CmdApprove, ID: 12}},
		{"/同意 12 looks good", Command{Name: CmdApprove, ID: 12, Text: "looks good"}},
		{"/reject 12 not now", Command{Name: CmdReject, ID: 12, Text: "not now"}},
		{"/cancel ＃9", Command{Name: CmdCancel, ID: 9}},
		{"/status", Command{Name: CmdStatus}},
		{"/状态 web", Command{Name: CmdStatus, App: "web"}},
		{"/history web 5", Command{Name: CmdHistory, App: "web", N: 5}},
		{"/lock web db migration", Command{Name: CmdLock, App: "web", Text: "db migration"}},
		{"/解锁 web", Command{Name: CmdUnlock, App: "web"}},
		{"/rollback web v3 支付 紧急 修复", Command{Name: CmdRollback, App: "web", Version: 3, Text: "支付 紧急 修复"}},
		{"/rollback web v3 支付失败 紧急", Command{Name: CmdRollback, App: "web", Version: 3, Text: "支付失败", Urgent: true}},
		{"/rollback web v3 紧急联系人 报错", Command{Name: CmdRollback, App: "web", Version: 3, Text: "紧急联系人 报错"}},
		{"/rollback web v3 报错 --urgent 了", Command{Name: CmdRollback, App: "web", Version: 3, Text: "报错 了", Urgent: true}},
		{"/windows", Command{Name: CmdWindows}},
		{"/我是谁", Command{Name: CmdWhoami}},
		{"/help rollback", Command{Name: CmdHelp, Topic: "rollback"}},
		{"/帮助 /回滚", Command{Name: CmdHelp, Topic: "回滚"}},
	}
	tab := table(t)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			p := tab.Parse(c.text)
			require.Nil(t, p.Reply, "got reply %+v", p.Reply)
			require.NotNil(t, p.Command)
			assert.Equal(t, c.want, *p.Command)
		})
	}
}

func TestParseReplies(t *testing.T) {
	cases := []struct {
		text, key string
	}{
		{"", "parse.empty"},
		{"   ", "parse.empty"},
		{"@dingops", "parse.empty"},
		{"/rolback web v2", "parse.did_you_mean"},
		{"/relase web main", "parse.did_you_mean"},
		{"/hlep", "parse.did_you_mean"},
		{"/frobnicate", "parse.unknown"},
		{"what is going on", "parse.not_command"},
		{"/rollback", "parse.missing"},
		{"/release web", "parse.missing"},
		{"/approve", "parse.missing"},
		{"/approve abc", "parse.bad_id"},
		{"/approve -3", "parse.id_start"},
		{"/history web many", "parse.bad_count"},
		{"/history web 1000", "parse.count_range"},
		{"/cancel 3 4", "parse.extra"},
		{"/whoami please", "parse.extra"},
		{"/lock web", "parse.missing"},
	}
	tab := table(t)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			p := tab.Parse(c.text)
			require.Nil(t, p.Command)
			require.NotNil(t, p.Reply)
			assert.Equal(t, c.key, p.Reply.Key)
		})
	}
}

func TestTableRefusesDuplicates(t *testing.T) {
	_, err := newTable(&entry{name: CmdHelp, aliases: []string{"x"}}, &entry{name: CmdStatus, aliases: []string{"x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"x"`)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/rollback web v42", " /回滚 web v3 ——urgent", "／status", "/approve #12", "@bot /help",
		"/history web 5", "/release web feature/x 原因", "\u3000/lock web x", "/approve 99999999999999999999",
		"/rollback web v0", "/rollback web v-1 x", "/rollback web -- v2 is bad", `/rollback web "v2" is bad`, "/history web all 0",
		"/rollback web v99999999999999999999", "/cancel 3 --", "/lock web --", "/rollback web V1.2", "/reject #0 —— v3",
		`/release web x env=staging note="a b" why`, `/release web x a="`, "/release web x k=“全角”", "/branch web feature/REQ-1 REQ-1 x"} {
		f.Add(s)
	}
	tab, err := commands()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := tab.Parse(text)
		if (p.Command == nil) == (p.Reply == nil) {
			t.Fatalf("parse of %q gave neither or both a command and a reply", text)
		}
		if c := p.Command; c != nil && (c.ID < 0 || c.Version < 0 || c.N < 0 || c.N > maxHistory) {
			t.Fatalf("out-of-range number in %+v from %q", c, text)
		}
		if c := p.Command; c != nil && c.Name == CmdRollback && c.Version == 0 && startsVersionShaped(c.Text) && !escaped(text) {
			t.Fatalf("%q: the version-shaped reason %q was neither quoted nor after --", text, c.Text)
		}
	})
}

func startsVersionShaped(reason string) bool {
	f := strings.Fields(reason)
	return len(f) > 0 && versionShaped(f[0])
}

// escaped says whether text marks its reason as such: a "--" or a quote.
func escaped(text string) bool {
	for _, tok := range tokenize(text) {
		if tok == "--" || strings.ContainsAny(tok, `"'“‘「『`) {
			return true
		}
	}
	return false
}
