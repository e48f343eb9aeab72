package calendar_test

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/core"
)

// The windows of core against the real lunar-go data: the working-day
// notion comes from the calendar, not from the cron's day-of-week.
func TestWindowsOnRealData(t *testing.T) {
	cal, err := calendar.New(calendar.Config{
		Freezes: []calendar.Freeze{{Name: "双十一", From: date("2026-11-10"), To: date("2026-11-12")}},
	}, calendar.LunarGo{})
	require.NoError(t, err)
	w, err := core.NewWindows(core.WindowPolicy{
		Periods: []core.Period{{Start: "0 10 * * 1-5", Duration: 8 * time.Hour}},
	}, cal)
	require.NoError(t, err)
	loc := w.Location()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		require.NoError(t, err)
		return v
	}
	cases := []struct {
		at     string
		open   bool
		reason core.WindowReason
		next   string
	}{
		{"2026-02-14 11:00", true, "", ""},                                  // make-up Saturday
		{"2026-02-18 11:00", false, core.WindowHoliday, "2026-02-24 10:00"}, // Spring Festival Wednesday
		{"2026-09-20 11:00", true, "", ""},                                  // make-up Sunday
		{"2026-10-07 11:00", false, core.WindowHoliday, "2026-10-08 10:00"}, // National Day Wednesday
		{"2026-10-10 11:00", true, "", ""},                                  // make-up Saturday
		{"2026-11-11 11:00", false, core.WindowFreeze, "2026-11-13 10:00"},  // 双十一
		{"2027-10-08 11:00", true, "", ""},                                  // last ordinary day with data
		{"2027-10-11 11:00", false, core.WindowNoData, ""},                  // past the data
	}
	for _, c := range cases {
		dec := w.At(at(c.at))
		assert.Equal(t, c.open, dec.Open, c.at)
		assert.Equal(t, c.reason, dec.Reason, c.at)
		if c.next != "" {
			assert.True(t, at(c.next).Equal(dec.Next), "%s: next %s", c.at, dec.Next)
		} else {
			assert.True(t, dec.Next.IsZero(), "%s: next %s", c.at, dec.Next)
		}
	}
	plan := w.Plan(date("2026-09-30"), 11)
	var closed []string
	for _, p := range plan {
		if p.Closed != "" {
			closed = append(closed, p.Day.Date.String()[5:]+" "+string(p.Closed)+" "+p.Day.Name)
		}
	}
	assert.Equal(t, []string{
		"10-01 holiday 国庆节", "10-02 holiday 国庆节", "10-03 holiday 国庆节", "10-04 holiday 国庆节",
		"10-05 holiday 国庆节", "10-06 holiday 国庆节", "10-07 holiday 国庆节",
	}, closed)
}
