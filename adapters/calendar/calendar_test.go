package calendar_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/core"
)

func date(s string) core.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return core.DateOf(t)
}

func span(from, to string) []core.Date {
	var out []core.Date
	for d := date(from); d != date(to).AddDays(1); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// TestLunarGo2026 checks the real library data against the State Council's
// 2026 notice (docs/targets.md §5.1).
func TestLunarGo2026(t *testing.T) {
	c, err := calendar.New(calendar.Config{}, calendar.LunarGo{})
	require.NoError(t, err)
	want := map[core.Date]core.Day{}
	add := func(kind core.DayKind, name string, days ...core.Date) {
		for _, d := range days {
			want[d] = core.Day{Date: d, Kind: kind, Name: name}
		}
	}
	add(core.DayHoliday, "元旦节", span("2026-01-01", "2026-01-03")...)
	add(core.DayMakeUp, "元旦节", date("2026-01-04"))
	add(core.DayHoliday, "春节", span("2026-02-15", "2026-02-23")...)
	add(core.DayMakeUp, "春节", date("2026-02-14"), date("2026-02-28"))
	add(core.DayHoliday, "清明节", span("2026-04-04", "2026-04-06")...)
	add(core.DayHoliday, "劳动节", span("2026-05-01", "2026-05-05")...)
	add(core.DayMakeUp, "劳动节", date("2026-05-09"))
	add(core.DayHoliday, "端午节", span("2026-06-19", "2026-06-21")...)
	add(core.DayHoliday, "中秋节", span("2026-09-25", "2026-09-27")...)
	add(core.DayHoliday, "国庆节", span("2026-10-01", "2026-10-07")...)
	add(core.DayMakeUp, "国庆节", date("2026-09-20"), date("2026-10-10"))
	require.Len(t, want, 39)
	for _, d := range span("2026-01-01", "2026-12-31") {
		exp, ok := want[d]
		if !ok {
			exp = core.Day{Date: d, Kind: core.DayOrdinary} // weekends included: the week decides
		}
		assert.Equal(t, exp, c.Day(d), d.String())
	}
}

func TestDataRange(t *testing.T) {
	c, err := calendar.New(calendar.Config{}, calendar.LunarGo{})
	require.NoError(t, err)
	assert.Equal(t, date("2027-10-09"), c.DataEnds(), "lunar-go v1.4.7 ends with the 2027 National Day make-up day")
	assert.Equal(t, date("2001-12-29"), c.DataStarts())
	assert.Equal(t, core.Day{Date: date("2027-10-09"), Kind: core.DayMakeUp, Name: "国庆节"}, c.Day(date("2027-10-09")))
	for _, d := range []string{"2027-10-10", "2027-10-11", "2028-01-01", "2001-12-28"} {
		assert.Equal(t, core.DayNoData, c.Day(date(d)).Kind, d)
	}
	assert.Equal(t, 0, c.DaysLeft(date("2027-10-09")))
	assert.Equal(t, 90, c.DaysLeft(date("2027-07-11")))
	assert.Equal(t, -1, c.DaysLeft(date("2027-10-10")))

	// DataEnds comes from the data, not from a constant.
	small, err := calendar.New(calendar.Config{}, calendar.Table{
		{Date: date("2026-05-05"), Name: "劳动节"},
		{Date: date("2026-05-01"), Name: "劳动节"},
	})
	require.NoError(t, err)
	assert.Equal(t, date("2026-05-05"), small.DataEnds())
	assert.Equal(t, date("2026-05-01"), small.DataStarts())
	assert.Equal(t, core.DayNoData, small.Day(date("2026-05-06")).Kind)
	assert.Equal(t, core.DayOrdinary, small.Day(date("2026-05-03")).Kind)
}

func TestPrecedence(t *testing.T) {
	var logs bytes.Buffer
	c, err := calendar.New(calendar.Config{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Freezes: []calendar.Freeze{
			{Name: "双十一", From: date("2026-11-10"), To: date("2026-11-12")},
			{Name: "国庆封网", From: date("2026-09-30"), To: date("2026-10-03")},
			{Name: "年终封网", From: date("2027-12-20"), To: date("2027-12-31")},
			{Name: "单日", From: date("2026-03-02")},
		},
		Overrides: []calendar.Override{
			{Date: date("2026-06-01"), Name: "公司团建"},
			{Date: date("2026-06-06"), Work: true, Name: "补班"},
			{Date: date("2026-10-02"), Work: true, Name: "值班"},
			{Date: date("2028-01-01"), Name: "元旦节"},
		},
	}, calendar.LunarGo{})
	require.NoError(t, err)
	cases := []struct {
		date string
		kind core.DayKind
		name string
	}{
		{"2026-11-11", core.DayFreeze, "双十一"},
		{"2026-11-13", core.DayOrdinary, ""},
		{"2026-10-01", core.DayFreeze, "国庆封网"}, // a freeze on a holiday stays a freeze, with its own name
		{"2026-10-02", core.DayWorkday, "值班"},  // an override beats the freeze and the holiday
		{"2026-10-04", core.DayHoliday, "国庆节"},
		{"2026-06-01", core.DayHoliday, "公司团建"},
		{"2026-06-06", core.DayWorkday, "补班"},
		{"2026-03-02", core.DayFreeze, "单日"},
		{"2026-03-03", core.DayOrdinary, ""},
		{"2027-12-25", core.DayFreeze, "年终封网"}, // past the data, a freeze still holds
		{"2028-01-01", core.DayHoliday, "元旦节"}, // and overrides fill in missing years
		{"2028-01-02", core.DayNoData, ""},
	}
	for _, cs := range cases {
		assert.Equal(t, core.Day{Date: date(cs.date), Kind: cs.kind, Name: cs.name}, c.Day(date(cs.date)), cs.date)
	}
	assert.Contains(t, logs.String(), "until=2027-10-09")

	// The library itself is never patched.
	assert.Equal(t, "国庆节", HolidayUtil.GetHoliday("2026-10-02").GetName())
	assert.False(t, HolidayUtil.GetHoliday("2026-10-02").IsWork())
	assert.Nil(t, HolidayUtil.GetHoliday("2028-01-01"))
	assert.Equal(t, 39, HolidayUtil.GetHolidaysByYear(2026).Len())
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  calendar.Config
		want string
	}{
		{"freeze without name", calendar.Config{Freezes: []calendar.Freeze{{From: date("2026-11-10")}}}, "calendar freeze 1: a name is required"},
		{"freeze backwards", calendar.Config{Freezes: []calendar.Freeze{{Name: "x", From: date("2026-11-12"), To: date("2026-11-10")}}}, "ends 2026-11-10 before it starts 2026-11-12"},
		{"freeze bad date", calendar.Config{Freezes: []calendar.Freeze{{Name: "x", From: core.Date{Year: 2026, Month: 2, Day: 30}}}}, "calendar freeze 1 (x): invalid date"},
		{"override without name", calendar.Config{Overrides: []calendar.Override{{Date: date("2026-06-01")}}}, "calendar override 1: a name is required"},
		{"override twice", calendar.Config{Overrides: []calendar.Override{{Date: date("2026-06-01"), Name: "a"}, {Date: date("2026-06-01"), Name: "b"}}}, `calendar override 2 (b): 2026-06-01 is already overridden by "a"`},
		{"override zero date", calendar.Config{Overrides: []calendar.Override{{Name: "a"}}}, "invalid date"},
	}
	for _, c := range cases {
		_, err := calendar.New(c.cfg, calendar.LunarGo{})
		assert.ErrorContains(t, err, c.want, c.name)
	}
	_, err := calendar.New(calendar.Config{}, calendar.Table{})
	assert.ErrorContains(t, err, "no entries")
	_, err = calendar.New(calendar.Config{}, nil)
	assert.ErrorContains(t, err, "no holiday data source")
	_, err = calendar.New(calendar.Config{}, calendar.Table{{Date: core.Date{Year: 2026, Month: 13, Day: 1}}})
	assert.ErrorContains(t, err, "entry 1 has invalid date")
}

func TestConcurrentUse(t *testing.T) {
	c, err := calendar.New(calendar.Config{}, calendar.LunarGo{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, d := range span("2026-01-01", "2026-03-31") {
				_ = c.Day(d)
			}
		})
	}
	wg.Wait()
}
