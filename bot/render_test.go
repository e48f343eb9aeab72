package bot

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestCardGolden renders the approval card in every state, in both
// languages, and compares with testdata/golden.
func TestCardGolden(t *testing.T) {
	states := map[string]func(f *fixture) core.ReleaseID{
		"pending": func(f *fixture) core.ReleaseID { return f.request("/rollback web v2 首页白屏") },
		"urgent":  func(f *fixture) core.ReleaseID { return f.request("/rollback web v1 支付失败 --urgent") },
		"approved_queued": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.say("bob", fmt.Sprintf("/approve %d", id))
			return id // approved, waiting for a worker
		},
		"deploying": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.say("bob", fmt.Sprintf("/approve %d", id))
			f.runTo(id, core.StepDeploying)
			return id
		},
		"succeeded": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.say("bob", fmt.Sprintf("/approve %d", id))
			f.clock.Advance(1400 * time.Millisecond)
			f.runTo(id, "")
			return id
		},
		"failed": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.say("bob", fmt.Sprintf("/approve %d", id))
			f.dep.FailNext("OSS answered 503 ServiceUnavailable")
			f.runTo(id, "")
			return id
		},
		"rejected": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.say("carol", fmt.Sprintf("/reject %d 先查日志", id))
			return id
		},
		"expired": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.clock.Advance(31 * time.Minute)
			_, err := f.eng.ExpireDue(f.ctx)
			require.NoError(f.t, err)
			return id
		},
		"cancelled": func(f *fixture) core.ReleaseID {
			id := f.request("/rollback web v2 broken")
			f.say("alice", fmt.Sprintf("/cancel %d", id))
			return id
		},
	}
	names := make([]string, 0, len(states))
	for n := range states {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			id := states[name](f)
			for _, lang := range []string{"zh", "en"} {
				c := f.cardOf(id, lang, "")
				golden(t, fmt.Sprintf("card_%s.%s.md", name, lang), c.Markdown)
			}
		})
	}
}

// TestCardDriftGolden: when the target runs something else than the record
// says, the request's card says so in one row: label, then the artifact
// (the label used to be a bare ⚠️ and the text repeat it: "⚠️：⚠️ …").
func TestCardDriftGolden(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		f.dep.SetLive(core.Artifact{Kind: core.TargetOSS, Ref: "web/manifest.hotfix.json", Digest: "EX", Display: "hotfix"})
		resp := f.bot.Handle(f.ctx, Message{ID: "drift-" + lang, ChatID: "cid-web", Group: true, StaffID: "alice",
			Text: "/rollback web v2 首页白屏", Origin: core.OriginText, At: f.clock.Now(), Language: lang})
		require.NotNil(t, resp.Card, resp.Text)
		assert.NotContains(t, resp.Card.Markdown, "⚠️：⚠️")
		assert.NotContains(t, resp.Card.Markdown, "⚠️: ⚠️")
		golden(t, "card_drift."+lang+".md", resp.Card.Markdown)
	}
}

func (f *fixture) request(text string) core.ReleaseID {
	resp := f.say("alice", text)
	require.NotNil(f.t, resp.Release, resp.Text)
	return resp.Release.ID
}

func TestCardParams(t *testing.T) {
	f := newFixture(t)
	id := f.request("/rollback web v2 首页白屏")
	c := f.cardOf(id, "zh", "")
	for _, k := range CardParams {
		_, ok := c.Params[k]
		assert.True(t, ok, "param %s", k)
	}
	assert.Len(t, c.Params, len(CardParams))
	b, err := json.MarshalIndent(c.Params, "", "  ")
	require.NoError(t, err)
	golden(t, "card_params.json", string(b)+"\n")
	assert.Equal(t, []string{"bob", "carol"}, c.Mentions)
}

func TestRepliesGolden(t *testing.T) {
	f := newFixture(t)
	var out strings.Builder
	for _, step := range []struct{ who, text string }{
		{"alice", "/help"}, {"alice", "/help rollback"}, {"alice", "/status"}, {"alice", "/history web"},
		{"alice", "/rollback web v9"}, {"alice", "/rollback web v3"}, {"eve", "/rollback web v2"},
		{"alice", "/rollback api v2"}, {"alice", "/rolback web"}, {"alice", "/approve x"},
		{"alice", "/lock web 数据库迁移"}, {"bob", "/rollback web v2"}, {"bob", "/unlock web"}, {"alice", "/whoami"},
		{"alice", "/rollback web v2 broken"}, {"alice", "/rollback web v1"}, {"alice", "/approve 4"},
		{"bob", "/approve 4"}, {"carol", "/approve 4"}, {"", "/status"},
	} {
		resp := f.say(step.who, step.text)
		fmt.Fprintf(&out, "> %s: %s\n%s\n", step.who, step.text, resp.Text)
		if resp.Card != nil {
			fmt.Fprintf(&out, "[card to %v, @%v]\n", resp.CardChats, resp.Card.Mentions)
		}
		for _, d := range resp.Direct {
			fmt.Fprintf(&out, "[dm %v] %s\n", d.Users, d.Text)
		}
		out.WriteString("\n")
	}
	golden(t, "replies.zh.txt", out.String())
}

func TestCatalogueParity(t *testing.T) {
	c := NewCatalog()
	zh, en := c.Keys("zh"), c.Keys("en")
	assert.Equal(t, zh, en, "both languages have the same keys")
	for _, k := range zh {
		assert.Equal(t, placeholders(c.Raw("zh", k)), placeholders(c.Raw("en", k)), "placeholders of %s", k)
	}
	for _, code := range allCodes {
		assert.Contains(t, zh, "refusal."+string(code))
	}
	for _, n := range table(t).Names() {
		assert.Contains(t, zh, usageKey(n))
		assert.Contains(t, zh, helpKey(n))
	}
}

var allCodes = []core.Code{core.CodeUnknownApp, core.CodeAppNotInChat, core.CodeNotPermitted, core.CodeNotApprover,
	core.CodeSelfApproval, core.CodeAlreadyDecided, core.CodeAlreadyApproved, core.CodeReleaseNotFound,
	core.CodeVersionNotFound, core.CodeVersionNotOK, core.CodeNoArtifact, core.CodeAlreadyLive, core.CodeNoRollbackTarget,
	core.CodeCheckFailed, core.CodeActiveExists, core.CodeLocked, core.CodeNotLocked, core.CodeNotCancellable,
	core.CodeNotYours, core.CodeLocalApprovalsOff, core.CodeWindowClosed, core.CodeBranchMissing, core.CodeBranchConflicts,
	core.CodeBranchMissesLive, core.CodeNoBuilder, core.CodeUrgentNeedsReason, core.CodeBadArtifact, core.CodeArtifactUnknown,
	core.CodeTargetNote, core.CodeTextInvalid, core.CodeTextTooLong}

func placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
	sort.Strings(out)
	return out
}

// TestHistoryFoldsRequestsThatNeverRan: cancelled, rejected and expired
// requests keep their version numbers but fold into one line per run;
// /history web all lists each.
func TestHistoryFoldsRequestsThatNeverRan(t *testing.T) {
	f := newFixture(t)
	id := f.request("/rollback web v2 broken")
	f.say("alice", fmt.Sprintf("/cancel %d", id))
	id = f.request("/rollback web v1 broken")
	f.say("bob", fmt.Sprintf("/reject %d 先查日志", id))
	id = f.request("/rollback web v2 again")
	f.say("bob", fmt.Sprintf("/approve %d", id))
	f.runTo(id, "")
	f.request("/rollback web v3 back")
	f.clock.Advance(31 * time.Minute)
	_, err := f.eng.ExpireDue(f.ctx)
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		var out strings.Builder
		for _, text := range []string{"/history web", "/history web all", "/history web 2"} {
			resp := f.bot.Handle(f.ctx, Message{ID: lang + text, ChatID: "cid-web", Group: true, StaffID: "alice",
				Text: text, Origin: core.OriginText, At: f.clock.Now(), Language: lang})
			fmt.Fprintf(&out, "> %s\n%s\n\n", text, resp.Text)
		}
		golden(t, "history_folded."+lang+".txt", out.String())
	}
}
