package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestFreezeWindowPolicy: freeze × window × policy. A calendar freeze
// closes every app, windowed or not; an app without a window is otherwise
// open at any time, holidays included; a window's own policy decides its
// holidays.
func TestFreezeWindowPolicy(t *testing.T) {
	daytime := func(holidays bool) core.WindowPolicy {
		return core.WindowPolicy{Location: "Asia/Shanghai", Days: "workdays", OpenOnHolidays: holidays,
			Periods: []core.Period{{Start: "0 10 * * *", Duration: 8 * time.Hour}}}
	}
	policies := map[string]core.WindowPolicy{"strict": daytime(false), "lenient": daytime(true)}
	apps := map[string][]string{"strict": {"web"}, "lenient": {"admin"}}
	aw, errs := core.NewAppWindows(policies, apps, newWinCal())
	require.Empty(t, errs)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(s string) time.Time {
		tt, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
		require.NoError(t, err)
		return tt
	}
	tests := []struct {
		app, at string
		want    core.WindowReason // "" is open
	}{
		{"api", "2026-11-11 11:00", core.WindowFreeze},   // no window, 双十一
		{"api", "2026-11-11 03:00", core.WindowFreeze},   // no window, the freeze's night too
		{"api", "2026-11-13 03:00", ""},                  // no window, the night after
		{"api", "2026-10-02 11:00", ""},                  // no window, a holiday: open
		{"api", "2026-11-14 23:00", ""},                  // no window, a Saturday night
		{"web", "2026-11-11 11:00", core.WindowFreeze},   // window open then, but frozen
		{"web", "2026-11-13 11:00", ""},                  // window open
		{"web", "2026-11-13 20:00", core.WindowOutside},  // after the window
		{"web", "2026-10-02 11:00", core.WindowHoliday},  // a holiday closes a strict window
		{"admin", "2026-10-02 11:00", ""},                // its policy opens it on holidays
		{"admin", "2026-11-11 11:00", core.WindowFreeze}, // open on holidays, not in freezes
	}
	for _, tt := range tests {
		t.Run(tt.app+" "+tt.at, func(t *testing.T) {
			r := aw.Gate(&core.App{Name: tt.app}, at(tt.at))
			if tt.want == "" {
				assert.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			assert.Equal(t, tt.want, r.Args["why"])
		})
	}
	plan, _, ok := aw.WindowPlan("api", at("2026-11-09 12:00"), 5)
	require.True(t, ok, "/windows shows the freeze of an app without a window")
	assert.Equal(t, core.DayFreeze, plan[1].Day.Kind)
	_, _, ok = aw.WindowPlan("api", at("2026-11-20 12:00"), 5)
	assert.False(t, ok, "no freeze ahead: no restriction")
}
