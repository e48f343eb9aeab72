package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestWindowsCrossMidnight(t *testing.T) {
	w := winNew(t, core.WindowPolicy{Periods: []core.Period{{Start: "0 22 * * 1-5", Duration: 4 * time.Hour}}})
	const ord, hol = core.DayOrdinary, core.DayHoliday
	winRun(t, w, []winCase{
		{"eve of national day", "2026-09-30 23:00", true, "", "2026-09-30", ord, "", "2026-10-01 02:00", ""},
		{"into the holiday, governed by the start day", "2026-10-01 01:59", true, "", "2026-09-30", ord, "", "2026-10-01 02:00", ""},
		{"holiday evening", "2026-10-01 23:00", false, core.WindowHoliday, "2026-10-01", hol, "国庆节", "", "2026-10-08 22:00"},
		{"after the holiday, the night of its last day", "2026-10-08 01:00", false, core.WindowHoliday, "2026-10-07", hol, "国庆节", "", "2026-10-08 22:00"},
		{"friday night into the make-up saturday", "2026-02-14 01:00", true, "", "2026-02-13", ord, "", "2026-02-14 02:00", ""},
		{"make-up saturday night", "2026-02-14 23:30", true, "", "2026-02-14", core.DayMakeUp, "春节", "2026-02-15 02:00", ""},
		{"a freeze cuts the night short", "2026-11-09 23:00", true, "", "2026-11-09", ord, "", "2026-11-10 00:00", ""},
		{"and closes at its midnight", "2026-11-10 00:30", false, core.WindowFreeze, "2026-11-10", core.DayFreeze, "双十一", "", "2026-11-13 22:00"},
	})
}

func TestWindowsMergeTouchingPeriods(t *testing.T) {
	w := winNew(t, core.WindowPolicy{Periods: []core.Period{
		{Start: "0 14 * * 1-5", Duration: 4 * time.Hour},
		{Start: "0 10 * * 1-5", Duration: 4 * time.Hour},
	}})
	dec := w.At(winAt(winShanghai, "2026-03-02 11:00"))
	require.True(t, dec.Open)
	assert.Equal(t, winAt(winShanghai, "2026-03-02 18:00"), dec.Until)

	// Round the clock on every day: one window from the last closed day
	// until the next, followed across days.
	w = winNew(t, core.WindowPolicy{Days: core.WindowAllDays, Periods: []core.Period{{Start: "@daily", Duration: 24 * time.Hour}}})
	assert.Equal(t, winAt(winShanghai, "2026-10-01 00:00"), w.At(winAt(winShanghai, "2026-09-21 09:00")).Until)
	assert.Equal(t, winAt(winShanghai, "2026-11-10 00:00"), w.At(winAt(winShanghai, "2026-10-08 09:00")).Until)
}

func TestWindowsPlan(t *testing.T) {
	w := winNew(t, core.WindowPolicy{Periods: []core.Period{
		{Start: "0 10 * * 1-5", Duration: 2 * time.Hour},
		{Start: "0 15 * * 1-5", Duration: 2 * time.Hour},
	}})
	span := func(from, to string) core.WindowSpan {
		return core.WindowSpan{Start: winAt(winShanghai, from), End: winAt(winShanghai, to)}
	}
	plan := w.Plan(winDate("2026-02-13"), 4)
	require.Len(t, plan, 4)
	assert.Equal(t, []core.WindowSpan{span("2026-02-13 10:00", "2026-02-13 12:00"), span("2026-02-13 15:00", "2026-02-13 17:00")}, plan[0].Spans)
	assert.Equal(t, time.Friday, plan[0].Weekday)
	assert.Equal(t, core.WindowReason(""), plan[0].Closed)
	assert.Equal(t, core.Day{Date: winDate("2026-02-14"), Kind: core.DayMakeUp, Name: "春节"}, plan[1].Day)
	assert.Len(t, plan[1].Spans, 2)
	assert.Equal(t, core.Day{Date: winDate("2026-02-15"), Kind: core.DayHoliday, Name: "春节"}, plan[2].Day)
	assert.Equal(t, core.WindowHoliday, plan[2].Closed)
	assert.Empty(t, plan[2].Spans)

	cases := map[string]struct {
		reason core.WindowReason
		kind   core.DayKind
		name   string
	}{
		"2026-03-01": {core.WindowOutside, core.DayOrdinary, ""},
		"2026-11-11": {core.WindowFreeze, core.DayFreeze, "双十一"},
		"2026-06-01": {core.WindowHoliday, core.DayHoliday, "公司团建"},
		"2027-10-11": {core.WindowNoData, core.DayNoData, ""},
	}
	for date, c := range cases {
		p := w.Plan(winDate(date), 1)[0]
		assert.Equal(t, c.reason, p.Closed, date)
		assert.Equal(t, c.kind, p.Day.Kind, date)
		assert.Equal(t, c.name, p.Day.Name, date)
	}
	assert.Empty(t, w.Plan(winDate("2026-01-01"), 0))
}

func TestWindowsEdges(t *testing.T) {
	w := winNew(t, winWeekdays)
	at := func(s string) time.Time { return winAt(winShanghai, s) }
	edges := w.Edges(at("2026-02-12 12:00"), at("2026-02-17 00:00"))
	var got []string
	for _, e := range edges {
		kind := "close"
		if e.Open {
			kind = "open"
			assert.Equal(t, e.At, e.Span.Start)
		} else {
			assert.Equal(t, e.At, e.Span.End)
		}
		got = append(got, kind+" "+e.At.Format("01-02 15:04"))
		assert.Equal(t, winShanghai, e.At.Location())
	}
	assert.Equal(t, []string{
		"close 02-12 18:00", // opened before the range
		"open 02-13 10:00", "close 02-13 18:00",
		"open 02-14 10:00", "close 02-14 18:00", // make-up saturday; then the Spring Festival
	}, got)

	// A window that runs past the range still reports where it ends.
	w = winNew(t, core.WindowPolicy{Days: core.WindowAllDays, Periods: []core.Period{{Start: "@daily", Duration: 24 * time.Hour}}})
	edges = w.Edges(at("2026-10-07 12:00"), at("2026-10-08 12:00"))
	require.Len(t, edges, 1)
	assert.True(t, edges[0].Open)
	assert.Equal(t, at("2026-10-08 00:00"), edges[0].At)
	assert.Equal(t, at("2026-11-10 00:00"), edges[0].Span.End)
	assert.Empty(t, w.Edges(at("2026-11-01 00:00"), at("2026-11-02 00:00")), "open all along")
}

func TestWindowsDaylightSaving(t *testing.T) {
	ny := winZone("America/New_York")
	edt, est := time.FixedZone("EDT", -4*3600), time.FixedZone("EST", -5*3600)
	at := func(loc *time.Location, s string) time.Time { return winAt(loc, s) }
	newNY := func(start string, d time.Duration) *core.Windows {
		return winNew(t, core.WindowPolicy{Location: "America/New_York", Days: core.WindowAllDays,
			Periods: []core.Period{{Start: start, Duration: d}}})
	}

	// 02:30 does not exist on 2026-03-08: the period opens when the clocks
	// jump to 03:00 EDT and lasts its elapsed two hours.
	plan := newNY("30 2 * * *", 2*time.Hour).Plan(winDate("2026-03-07"), 3)
	assert.True(t, at(est, "2026-03-07 02:30").Equal(plan[0].Spans[0].Start))
	assert.True(t, at(edt, "2026-03-08 03:00").Equal(plan[1].Spans[0].Start))
	assert.True(t, at(edt, "2026-03-08 05:00").Equal(plan[1].Spans[0].End))
	assert.True(t, at(edt, "2026-03-09 02:30").Equal(plan[2].Spans[0].Start))
	assert.Equal(t, ny, plan[1].Spans[0].Start.Location())

	// Spanning the spring-forward hour: four elapsed hours end at 05:00 EDT.
	plan = newNY("0 0 * * *", 4*time.Hour).Plan(winDate("2026-03-08"), 1)
	assert.True(t, at(edt, "2026-03-08 05:00").Equal(plan[0].Spans[0].End))

	// Spanning the fall-back hour: 00:00 EDT + 4h ends at 03:00 EST, and
	// the repeated 01:30 is inside the window both times.
	w := newNY("0 0 * * *", 4*time.Hour)
	for _, s := range []time.Time{at(edt, "2026-11-01 01:30"), at(est, "2026-11-01 01:30")} {
		dec := w.At(s)
		assert.True(t, dec.Open, "%s", s)
		assert.True(t, at(est, "2026-11-01 03:00").Equal(dec.Until), "until %s", dec.Until)
	}

	// A start in the repeated hour opens once, at its first occurrence.
	plan = newNY("30 1 * * *", time.Hour).Plan(winDate("2026-11-01"), 1)
	require.Len(t, plan[0].Spans, 1)
	assert.True(t, at(edt, "2026-11-01 01:30").Equal(plan[0].Spans[0].Start))
	assert.True(t, at(est, "2026-11-01 01:30").Equal(plan[0].Spans[0].End))
}
