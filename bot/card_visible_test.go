package bot

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestVisibleRow: a succeeded card says how far the deploy reached users,
// in zh and en: confirming, confirmed after the CDN refresh, not confirmed
// by the timeout (never as a failure); nothing without a report.
func TestVisibleRow(t *testing.T) {
	f := newFixture(t)
	id := f.request("/rollback web v2 broken")
	f.say("bob", fmt.Sprintf("/approve %d", id))
	f.runTo(id, "")
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	at := time.Date(2026, 11, 26, 2, 2, 3, 0, time.UTC) // 10:02:03 in Shanghai
	cdn := []core.VisibleStep{{Name: "cdn", At: at.Add(5*time.Minute + 38*time.Second)}}
	cases := map[string]struct {
		v      *core.Visibility
		zh, en string
	}{
		"no report":  {nil, "", ""},
		"confirming": {&core.Visibility{Switched: at}, "切换于 10:02:03 · 确认中…", "switched at 10:02:03 · confirming…"},
		"confirmed": {&core.Visibility{Switched: at, Steps: cdn, Served: at.Add(5*time.Minute + 41*time.Second)},
			fmt.Sprintf("切换于 10:02:03 · CDN 刷新完成于 10:07:41 · 用户自 10:07:44 起获得 v%d（T+5m41s）", r.Version),
			fmt.Sprintf("switched at 10:02:03 · CDN refresh done at 10:07:41 · users served v%d since 10:07:44 (T+5m41s)", r.Version)},
		"pods then probe": {&core.Visibility{Switched: at, Steps: []core.VisibleStep{{Name: "pods", At: at.Add(40 * time.Second)}},
			Served: at.Add(45 * time.Second)},
			fmt.Sprintf("切换于 10:02:03 · 旧 Pod 已全部下线于 10:02:43 · 用户自 10:02:48 起获得 v%d（T+45s）", r.Version),
			fmt.Sprintf("switched at 10:02:03 · old pods gone at 10:02:43 · users served v%d since 10:02:48 (T+45s)", r.Version)},
		"mini program online": {&core.Visibility{Switched: at, Steps: []core.VisibleStep{{Name: "online", At: at}}},
			"切换于 10:02:03 · 钉钉报告已上线于 10:02:03 · 确认中…",
			"switched at 10:02:03 · DingTalk reports it online at 10:02:03 · confirming…"},
		"timed out": {&core.Visibility{Switched: at, TimedOut: true}, "切换于 10:02:03 · 未确认（超时；发布本身已成功）",
			"switched at 10:02:03 · not confirmed (timed out; the release itself succeeded)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := f.eng.PlanOf(f.ctx, r)
			require.NoError(t, err)
			p.Visible = tc.v
			for lang, want := range map[string]string{"zh": tc.zh, "en": tc.en} {
				c := f.bot.card(lang, p, "")
				if want == "" {
					assert.NotContains(t, c.Markdown, "10:02:03", lang)
					continue
				}
				assert.Contains(t, c.Markdown, want, lang)
				assert.Contains(t, c.Markdown, "✅", "%s: still a success", lang)
			}
		})
	}
}
