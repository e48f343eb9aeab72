package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestNewWindowsRejectsBadPolicies(t *testing.T) {
	hour := time.Hour
	one := func(start string, d time.Duration) []core.Period { return []core.Period{{Start: start, Duration: d}} }
	cases := []struct {
		name   string
		policy core.WindowPolicy
		want   string // a part of the one-line error
	}{
		{"bare CRON_TZ (panics inside robfig/cron)", core.WindowPolicy{Periods: one("CRON_TZ=Asia/Shanghai", hour)}, "zone prefixes are not allowed"},
		{"CRON_TZ prefix", core.WindowPolicy{Periods: one("CRON_TZ=Asia/Shanghai 0 10 * * *", hour)}, "zone prefixes are not allowed"},
		{"TZ prefix", core.WindowPolicy{Periods: one("  TZ=UTC 0 10 * * *", hour)}, "zone prefixes are not allowed"},
		{"@every", core.WindowPolicy{Periods: one("@every 1h", hour)}, "@every is not tied to the clock"},
		{"unknown descriptor", core.WindowPolicy{Periods: one("@reboot", hour)}, "unrecognized descriptor"},
		{"empty start", core.WindowPolicy{Periods: one(" ", hour)}, "empty start"},
		{"hour out of range", core.WindowPolicy{Periods: one("0 25 * * *", hour)}, `window period 1 "0 25 * * *": end of range (25) above maximum (23)`},
		{"four fields", core.WindowPolicy{Periods: one("0 10 * *", hour)}, "expected exactly 5 fields"},
		{"six fields (seconds)", core.WindowPolicy{Periods: one("0 0 10 * * *", hour)}, "expected exactly 5 fields"},
		{"garbage", core.WindowPolicy{Periods: one("ten o'clock", hour)}, "window period 1"},
		{"weekday list with workdays", core.WindowPolicy{Periods: one("0 10 * * 2,4", hour)}, `day-of-week must be * or 1-5 unless days is "all"`},
		{"@weekly with workdays", core.WindowPolicy{Periods: one("@weekly", hour)}, "day-of-week must be * or 1-5"},
		{"weekday list with a days list", core.WindowPolicy{Days: "2,4", Periods: one("0 10 * * 6", hour)}, "day-of-week must be * or 1-5"},
		{"zero duration", core.WindowPolicy{Periods: one("0 10 * * *", 0)}, "duration 0s must be more than 0 and at most 168h0m0s"},
		{"negative duration", core.WindowPolicy{Periods: one("0 10 * * *", -hour)}, "duration -1h0m0s must be more than 0"},
		{"over a week", core.WindowPolicy{Periods: one("0 10 * * *", 7*24*hour+time.Minute)}, "at most 168h0m0s"},
		{"unknown zone", core.WindowPolicy{Location: "Mars/Olympus", Periods: one("0 10 * * *", hour)}, `window zone "Mars/Olympus"`},
		{"Local zone", core.WindowPolicy{Location: "Local", Periods: one("0 10 * * *", hour)}, `window zone "Local"`},
		{"bad days", core.WindowPolicy{Days: "weekends", Periods: one("0 10 * * *", hour)}, `window days "weekends"`},
		{"days with spaces", core.WindowPolicy{Days: "1 5", Periods: one("0 10 * * *", hour)}, `window days "1 5"`},
		{"no periods", core.WindowPolicy{}, "no periods"},
		{"second period named", core.WindowPolicy{Periods: []core.Period{{Start: "0 10 * * *", Duration: hour}, {Start: "0 99 * * *", Duration: hour}}}, "window period 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = core.NewWindows(c.policy, newWinCal()) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "errors are one line")
		})
	}
	_, err := core.NewWindows(core.WindowPolicy{Periods: one("0 10 * * *", hour)}, nil)
	assert.ErrorContains(t, err, "no calendar")
}

// The guard above exists because robfig/cron v3.0.1 still panics on a bare
// zone prefix; if an upgrade fixes that, this test says so.
func TestCronStillPanicsOnBareZone(t *testing.T) {
	assert.Panics(t, func() { _, _ = cron.ParseStandard("CRON_TZ=Asia/Shanghai") })
}

func TestNewWindowsAcceptsGoodPolicies(t *testing.T) {
	hour := time.Hour
	for _, p := range []core.WindowPolicy{
		{Periods: []core.Period{{Start: "@daily", Duration: hour}}},
		{Periods: []core.Period{{Start: "@hourly", Duration: 30 * time.Minute}}},
		{Periods: []core.Period{{Start: "0 10 * * MON-FRI", Duration: hour}}},
		{Periods: []core.Period{{Start: "*/30 9-17 * * *", Duration: 30 * time.Minute}}},
		{Days: core.WindowAllDays, Periods: []core.Period{{Start: "0 10 * * 2,4", Duration: hour}}},
		{Days: core.WindowAllDays, Periods: []core.Period{{Start: "@weekly", Duration: 7 * 24 * hour}}},
		{Days: "tue,thu", Periods: []core.Period{{Start: "0 10 * * *", Duration: hour}}},
		{Days: core.WindowWorkdays, Location: "UTC", Periods: []core.Period{{Start: "0 10 1 jan-jun 1-5", Duration: hour}}},
	} {
		w, err := core.NewWindows(p, newWinCal())
		require.NoError(t, err, "%+v", p)
		assert.NotNil(t, w)
	}
	w, err := core.NewWindows(core.WindowPolicy{Periods: []core.Period{{Start: "0 10 * * *", Duration: hour}}}, newWinCal())
	require.NoError(t, err)
	assert.Equal(t, core.DefaultWindowZone, w.Location().String())
}

func TestWindowsManyStartsPerDay(t *testing.T) {
	// Half-hour slots that touch form one window per working day.
	w := winNew(t, core.WindowPolicy{Periods: []core.Period{{Start: "*/30 9-17 * * *", Duration: 30 * time.Minute}}})
	dec := w.At(winAt(winShanghai, "2026-03-02 09:45"))
	require.True(t, dec.Open)
	assert.True(t, winAt(winShanghai, "2026-03-02 18:00").Equal(dec.Until))
	spans := w.Plan(winDate("2026-03-02"), 1)[0].Spans
	require.Len(t, spans, 1)
	assert.True(t, strings.HasPrefix(spans[0].Start.String(), "2026-03-02 09:00:00 +0800"))
}

func TestWindowDecisionAsReason(t *testing.T) {
	w := winNew(t, winWeekdays)
	assert.Nil(t, w.At(winAt(winShanghai, "2026-03-02 11:00")).AsReason("web"))
	r := w.At(winAt(winShanghai, "2026-02-18 11:00")).AsReason("web")
	require.NotNil(t, r)
	assert.Equal(t, core.CodeWindowClosed, r.Code)
	assert.Equal(t, map[string]any{
		"app": "web", "why": core.WindowHoliday, "day": "2026-02-18", "day_kind": core.DayHoliday,
		"name": "春节", "next": winAt(winShanghai, "2026-02-24 10:00"), "zone": "Asia/Shanghai",
	}, r.Args)
}
