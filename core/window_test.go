package core_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// winCal is a hand-written core.Calendar holding the 2026 statutory data
// (as lunar-go v1.4.7 and the State Council notice have it), a 双十一 freeze,
// one override each way, and data that ends on 2027-10-09.
type winCal struct {
	days map[core.Date]core.Day
	ends core.Date
}

func winDate(s string) core.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return core.DateOf(t)
}

func newWinCal() *winCal {
	c := &winCal{days: map[core.Date]core.Day{}, ends: winDate("2027-10-09")}
	set := func(kind core.DayKind, name string, from, to string) {
		for d := winDate(from); !winDate(to).In(time.UTC).Before(d.In(time.UTC)); d = d.AddDays(1) {
			c.days[d] = core.Day{Date: d, Kind: kind, Name: name}
		}
	}
	set(core.DayHoliday, "元旦节", "2026-01-01", "2026-01-03")
	set(core.DayMakeUp, "元旦节", "2026-01-04", "2026-01-04")
	set(core.DayHoliday, "春节", "2026-02-15", "2026-02-23")
	set(core.DayMakeUp, "春节", "2026-02-14", "2026-02-14")
	set(core.DayMakeUp, "春节", "2026-02-28", "2026-02-28")
	set(core.DayHoliday, "国庆节", "2026-10-01", "2026-10-07")
	set(core.DayMakeUp, "国庆节", "2026-09-20", "2026-09-20")
	set(core.DayMakeUp, "国庆节", "2026-10-10", "2026-10-10")
	set(core.DayFreeze, "双十一", "2026-11-10", "2026-11-12")
	set(core.DayHoliday, "公司团建", "2026-06-01", "2026-06-01") // override: Monday off
	set(core.DayWorkday, "补班", "2026-06-06", "2026-06-06")   // override: Saturday worked
	return c
}

func (c *winCal) Day(d core.Date) core.Day {
	if day, ok := c.days[d]; ok {
		return day
	}
	if c.ends.In(time.UTC).Before(d.In(time.UTC)) {
		return core.Day{Date: d, Kind: core.DayNoData}
	}
	return core.Day{Date: d, Kind: core.DayOrdinary}
}

var winShanghai = winZone("Asia/Shanghai")

func winZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// winAt parses "2006-01-02 15:04" in loc; "" is the zero time.
func winAt(loc *time.Location, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func winNew(t *testing.T, p core.WindowPolicy) *core.Windows {
	t.Helper()
	w, err := core.NewWindows(p, newWinCal())
	require.NoError(t, err)
	return w
}

var winWeekdays = core.WindowPolicy{Periods: []core.Period{{Start: "0 10 * * 1-5", Duration: 8 * time.Hour}}}

type winCase struct {
	name   string
	at     string
	open   bool
	reason core.WindowReason
	day    string       // governing day
	kind   core.DayKind // its kind
	dname  string       // its name
	until  string
	next   string
}

func winRun(t *testing.T, w *core.Windows, cases []winCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dec := w.At(winAt(w.Location(), c.at))
			assert.Equal(t, c.open, dec.Open, "open")
			assert.Equal(t, c.reason, dec.Reason, "reason")
			assert.Equal(t, c.day, dec.Day.Date.String(), "governing day")
			assert.Equal(t, c.kind, dec.Day.Kind, "day kind")
			assert.Equal(t, c.dname, dec.Day.Name, "day name")
			assert.True(t, winAt(w.Location(), c.until).Equal(dec.Until), "until: got %s", dec.Until)
			assert.True(t, winAt(w.Location(), c.next).Equal(dec.Next), "next: got %s", dec.Next)
			assert.Equal(t, w.Location(), dec.Location)
			if dec.Open {
				assert.Equal(t, w.Location(), dec.Until.Location(), "until is shown in the window's zone")
			} else if !dec.Next.IsZero() {
				assert.Equal(t, w.Location(), dec.Next.Location(), "next is shown in the window's zone")
			}
		})
	}
}

func TestWindowsWorkdaysFollowTheCalendar(t *testing.T) {
	const ord, hol, mk = core.DayOrdinary, core.DayHoliday, core.DayMakeUp
	winRun(t, winNew(t, winWeekdays), []winCase{
		{"ordinary friday", "2026-02-13 11:00", true, "", "2026-02-13", ord, "", "2026-02-13 18:00", ""},
		{"before the period", "2026-02-13 09:59", false, core.WindowOutside, "2026-02-13", ord, "", "", "2026-02-13 10:00"},
		{"end is excluded; next is the make-up saturday", "2026-02-13 18:00", false, core.WindowOutside, "2026-02-13", ord, "", "", "2026-02-14 10:00"},
		{"spring festival make-up saturday opens", "2026-02-14 10:00", true, "", "2026-02-14", mk, "春节", "2026-02-14 18:00", ""},
		{"spring festival sunday", "2026-02-15 11:00", false, core.WindowHoliday, "2026-02-15", hol, "春节", "", "2026-02-24 10:00"},
		{"spring festival wednesday stays closed", "2026-02-18 11:00", false, core.WindowHoliday, "2026-02-18", hol, "春节", "", "2026-02-24 10:00"},
		{"last spring festival day", "2026-02-23 17:00", false, core.WindowHoliday, "2026-02-23", hol, "春节", "", "2026-02-24 10:00"},
		{"second make-up saturday", "2026-02-28 12:00", true, "", "2026-02-28", mk, "春节", "2026-02-28 18:00", ""},
		{"ordinary sunday", "2026-03-01 12:00", false, core.WindowOutside, "2026-03-01", ord, "", "", "2026-03-02 10:00"},
		{"new year thursday", "2026-01-01 12:00", false, core.WindowHoliday, "2026-01-01", hol, "元旦节", "", "2026-01-04 10:00"},
		{"new year make-up sunday", "2026-01-04 12:00", true, "", "2026-01-04", mk, "元旦节", "2026-01-04 18:00", ""},
		{"national day make-up sunday", "2026-09-20 10:30", true, "", "2026-09-20", mk, "国庆节", "2026-09-20 18:00", ""},
		{"national day wednesday stays closed", "2026-10-07 12:00", false, core.WindowHoliday, "2026-10-07", hol, "国庆节", "", "2026-10-08 10:00"},
		{"national day make-up saturday", "2026-10-10 17:59", true, "", "2026-10-10", mk, "国庆节", "2026-10-10 18:00", ""},
		{"freeze", "2026-11-11 12:00", false, core.WindowFreeze, "2026-11-11", core.DayFreeze, "双十一", "", "2026-11-13 10:00"},
		{"override to a day off", "2026-06-01 12:00", false, core.WindowHoliday, "2026-06-01", hol, "公司团建", "", "2026-06-02 10:00"},
		{"override to a working saturday", "2026-06-06 12:00", true, "", "2026-06-06", core.DayWorkday, "补班", "2026-06-06 18:00", ""},
		{"last day with data", "2027-10-08 12:00", true, "", "2027-10-08", ord, "", "2027-10-08 18:00", ""},
		{"past the data: closed, nothing ahead", "2027-10-11 12:00", false, core.WindowNoData, "2027-10-11", core.DayNoData, "", "", ""},
	})
}

func TestWindowsPolicyOpensHolidaysAndMissingData(t *testing.T) {
	p := winWeekdays
	p.OpenOnHolidays, p.OpenWithoutData = true, true
	const ord, hol = core.DayOrdinary, core.DayHoliday
	winRun(t, winNew(t, p), []winCase{
		{"holiday wednesday counts as a wednesday", "2026-10-07 12:00", true, "", "2026-10-07", hol, "国庆节", "2026-10-07 18:00", ""},
		{"holiday saturday is still a saturday", "2026-10-03 12:00", false, core.WindowOutside, "2026-10-03", hol, "国庆节", "", "2026-10-05 10:00"},
		{"freeze stays closed", "2026-11-10 12:00", false, core.WindowFreeze, "2026-11-10", core.DayFreeze, "双十一", "", "2026-11-13 10:00"},
		{"past the data: a plain monday", "2027-10-11 12:00", true, "", "2027-10-11", core.DayNoData, "", "2027-10-11 18:00", ""},
		{"past the data: a plain sunday", "2027-10-10 12:00", false, core.WindowOutside, "2027-10-10", core.DayNoData, "", "", "2027-10-11 10:00"},
		{"ordinary day unchanged", "2026-03-02 12:00", true, "", "2026-03-02", ord, "", "2026-03-02 18:00", ""},
	})
}

func TestWindowsDaysRules(t *testing.T) {
	t.Run("days all reads the cron week literally", func(t *testing.T) {
		w := winNew(t, core.WindowPolicy{Days: core.WindowAllDays,
			Periods: []core.Period{{Start: "0 10 * * 1-5", Duration: 8 * time.Hour}}})
		winRun(t, w, []winCase{
			{"make-up saturday is a saturday", "2026-02-14 12:00", false, core.WindowOutside, "2026-02-14", core.DayMakeUp, "春节", "", "2026-02-24 10:00"},
			{"holiday still closes", "2026-02-18 12:00", false, core.WindowHoliday, "2026-02-18", core.DayHoliday, "春节", "", "2026-02-24 10:00"},
		})
	})
	t.Run("a weekday list keeps working days with those weekdays", func(t *testing.T) {
		w := winNew(t, core.WindowPolicy{Days: "1-5", Periods: []core.Period{{Start: "0 10 * * *", Duration: time.Hour}}})
		winRun(t, w, []winCase{
			{"make-up saturday not listed", "2026-02-14 10:30", false, core.WindowOutside, "2026-02-14", core.DayMakeUp, "春节", "", "2026-02-24 10:00"},
			{"monday", "2026-03-02 10:30", true, "", "2026-03-02", core.DayOrdinary, "", "2026-03-02 11:00", ""},
		})
		w = winNew(t, core.WindowPolicy{Days: "mon-sat", Periods: []core.Period{{Start: "0 10 * * *", Duration: time.Hour}}})
		winRun(t, w, []winCase{
			{"make-up saturday listed", "2026-02-14 10:30", true, "", "2026-02-14", core.DayMakeUp, "春节", "2026-02-14 11:00", ""},
			{"ordinary saturday is no working day", "2026-03-07 10:30", false, core.WindowOutside, "2026-03-07", core.DayOrdinary, "", "", "2026-03-09 10:00"},
		})
	})
	t.Run("workdays AND day-of-month, unlike cron's OR", func(t *testing.T) {
		w := winNew(t, core.WindowPolicy{Periods: []core.Period{{Start: "0 10 1-7 * 1-5", Duration: time.Hour}}})
		winRun(t, w, []winCase{
			{"first monday", "2026-03-02 10:30", true, "", "2026-03-02", core.DayOrdinary, "", "2026-03-02 11:00", ""},
			{"second monday", "2026-03-09 10:30", false, core.WindowOutside, "2026-03-09", core.DayOrdinary, "", "", "2026-04-01 10:00"},
		})
	})
}
