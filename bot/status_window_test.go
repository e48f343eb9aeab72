package bot

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// plainCal is a calendar without holidays: every day is as the week has it.
type plainCal struct{}

func (plainCal) Day(d core.Date) core.Day { return core.Day{Date: d, Kind: core.DayOrdinary} }

// TestStatusSaysTheWindow: /status names the window as /help promises —
// open until when, closed with why and when it opens next, or none.
func TestStatusSaysTheWindow(t *testing.T) {
	clock := coretest.NewClock(time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)) // Thursday 13:00 in Shanghai
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	aw, errs := core.NewAppWindows(map[string]core.WindowPolicy{"day": {Location: "Asia/Shanghai", Days: "workdays",
		Periods: []core.Period{{Start: "0 10 * * *", Duration: 8 * time.Hour}}}}, map[string][]string{"day": {"web"}}, plainCal{})
	require.Empty(t, errs)
	mk := func(name string) *core.App {
		return &core.App{Name: name, Target: core.TargetOSS, Chats: []string{"cid-web"}, Releasers: []string{"alice"},
			Approvers: []string{"bob"}, Policy: core.DefaultPolicy()}
	}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{mk("web"), mk("admin")}, Releases: s, Locks: s, Audit: s,
		Deployers: map[string]core.Deployer{"web": coretest.NewDeployer(), "admin": coretest.NewDeployer()}, Clock: clock, Gate: aw.Gate})
	require.NoError(t, err)
	b, err := New(Config{Engine: eng, Windows: aw, Zone: shanghai, Clock: clock})
	require.NoError(t, err)
	status := func(app, lang string) string {
		return b.Handle(context.Background(), Message{ID: app + lang + clock.Now().String(), ChatID: "cid-web", Group: true,
			StaffID: "alice", Text: "/status " + app, Language: lang, At: clock.Now()}).Text
	}
	assert.Contains(t, status("web", "zh"), "发布窗口：开放中，11-26 18:00 CST 关闭")
	assert.Contains(t, status("web", "en"), "Release window: open now, closes 11-26 18:00 CST")
	assert.Contains(t, status("admin", "zh"), "发布窗口：未设置，除日历封版期外随时可以发布")

	clock.Advance(6 * time.Hour) // 19:00
	assert.Contains(t, status("web", "zh"), "发布窗口：不在发布窗口内，下次开放：11-27 10:00 CST")
	assert.Contains(t, status("web", "en"), "Release window: outside the release window; next opens 11-27 10:00 CST")
}
