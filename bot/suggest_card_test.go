package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// alertFixture is newFixture's world with alerts on: web watches 30
// minutes after a release and suggests.
func alertFixture(t *testing.T) *fixture {
	f := newFixture(t)
	s := storetest.Open(t, storetest.SQLiteDSN(t), f.clock)
	app := &core.App{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, ReleaseTeams: []string{"frontend"},
		ApproverTeams: []string{"sre"}, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"}, Policy: core.DefaultPolicy(),
		Alerts: core.AlertSettings{Watch: 30 * time.Minute}}
	dep := coretest.NewDeployer()
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{app}, Releases: s, Locks: s, Audit: s, Alerts: s,
		Deployers: map[string]core.Deployer{"web": dep}, Clock: f.clock})
	require.NoError(t, err)
	b, err := New(Config{Engine: eng, Alerts: eng, Zone: shanghai, Clock: f.clock, Chats: map[string]string{"cid-en": "en"}})
	require.NoError(t, err)
	f.eng, f.dep, f.bot = eng, dep, b
	for i := 1; i <= 3; i++ {
		a := core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("web/manifest.%d.json", i), Display: fmt.Sprintf("h%d", i)}
		dep.Add(a.Ref)
		_, _, err := eng.Record(f.ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web", Artifact: a, By: "alice"})
		require.NoError(t, err)
		dep.SetLive(a)
	}
	return f
}

func (f *fixture) fire(id string, status core.AlertStatus, at time.Time) core.AlertResult {
	res, err := f.eng.HandleAlert(context.Background(), core.Alert{Source: "alertmanager", ID: id, App: "web",
		Title: "HighErrorRate", Severity: "critical", Status: status, URL: "http://prometheus:9090/graph?g0.expr=x", StartsAt: at})
	require.NoError(f.t, err)
	return res
}

func (f *fixture) suggestionCard(id int64, lang string) *Card {
	v, err := f.eng.SuggestionView(context.Background(), id)
	require.NoError(f.t, err)
	return f.bot.SuggestionCard(lang, v)
}

func TestSuggestionCardGolden(t *testing.T) {
	f := alertFixture(t)
	f.clock.Advance(2 * time.Minute)
	first := f.fire("fp1", core.AlertFiring, f.clock.Now())
	f.clock.Advance(4 * time.Minute)
	f.fire("fp2", core.AlertFiring, f.clock.Now())
	id := first.Suggestion.ID
	for _, lang := range []string{"zh", "en"} {
		c := f.suggestionCard(id, lang)
		assert.Equal(t, "show", c.Params["suggest_button"])
		assert.Equal(t, []string{"bob", "carol"}, c.Mentions, "approvers are @-mentioned")
		golden(t, "suggestion_open."+lang+".md", c.Markdown)
	}
	f.clock.Advance(3 * time.Minute)
	f.fire("fp1", core.AlertResolved, first.Record.Alert.StartsAt)
	f.fire("fp2", core.AlertResolved, first.Record.Alert.StartsAt.Add(4*time.Minute))
	for _, lang := range []string{"zh", "en"} {
		c := f.suggestionCard(id, lang)
		assert.Equal(t, "hide", c.Params["suggest_button"], "resolved: the button goes")
		assert.Equal(t, "resolved", c.Params["status"])
		golden(t, "suggestion_resolved."+lang+".md", c.Markdown)
	}
	resp := f.say("alice", "/alerts web")
	assert.Contains(t, resp.Text, "没有未恢复的告警")
}

func TestSuggestionButton(t *testing.T) {
	f := alertFixture(t)
	res := f.fire("fp1", core.AlertFiring, f.clock.Now())
	m := Message{ID: "card:x:bob:rollback", ChatID: "cid-web", Group: true, StaffID: "bob", Origin: core.OriginCard, At: f.clock.Now()}
	resp := f.bot.Run(f.ctx, m, &Command{Name: CmdRollback, Suggestion: res.Suggestion.ID})
	require.False(t, resp.Refused, resp.Text)
	require.NotNil(t, resp.Release)
	assert.Equal(t, core.StatusApproved, resp.Release.Status, "an approver's click requests and approves")
	assert.Equal(t, res.Suggestion.ID, resp.Suggestion)
	assert.Equal(t, []string{"cid-web"}, resp.CardChats)
	golden(t, "suggestion_filed.zh.md", f.suggestionCard(res.Suggestion.ID, "zh").Markdown)

	m.StaffID, m.ID = "carol", "card:x:carol:rollback"
	again := f.bot.Run(f.ctx, m, &Command{Name: CmdRollback, Suggestion: res.Suggestion.ID})
	assert.True(t, again.Refused)
	assert.True(t, again.Private, "a refused click is told privately")
	assert.Contains(t, again.Text, resp.Release.ID.String())

	list := f.say("alice", "/alerts")
	assert.Contains(t, list.Text, "HighErrorRate")
	assert.Contains(t, list.Text, "已发出回滚建议卡片")
}
