package core

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// winCronStar is robfig/cron's marker bit for a field written as * or ?; the
// day-of-month/day-of-week AND-or-OR rule depends on it.
const winCronStar = 1 << 63

// winMonToFri is the day-of-week bit set of 1-5.
const winMonToFri = 0b0111110

// winAllWeek is the day-of-week bit set of 0-6.
const winAllWeek = 0b1111111

// winPeriod is a compiled Period.
type winPeriod struct {
	minutes         []int // start times as minutes after midnight, ascending
	dom, month, dow uint64
	dur             time.Duration
}

// winDaysRule is a compiled WindowDays.
type winDaysRule struct {
	literal bool   // "all": the cron day fields decide, against the plain week
	mask    uint64 // otherwise: working days whose weekday bit is set
}

func parseWinDays(d WindowDays) (winDaysRule, error) {
	switch d {
	case "", WindowWorkdays:
		return winDaysRule{mask: winAllWeek}, nil
	case WindowAllDays:
		return winDaysRule{literal: true}, nil
	}
	spec, err := parseWinSpec("0 0 * * " + string(d))
	if err != nil || strings.ContainsAny(string(d), " \t") {
		return winDaysRule{}, fmt.Errorf(`window days %q: want "workdays", "all" or a day-of-week list such as "1-5"`, string(d))
	}
	return winDaysRule{mask: spec.Dow &^ winCronStar}, nil
}

func compileWinPeriod(p Period, days winDaysRule) (winPeriod, error) {
	if p.Duration <= 0 || p.Duration > MaxPeriodDuration {
		return winPeriod{}, fmt.Errorf("duration %s must be more than 0 and at most %s", p.Duration, MaxPeriodDuration)
	}
	spec, err := parseWinSpec(p.Start)
	if err != nil {
		return winPeriod{}, err
	}
	dow := spec.Dow &^ winCronStar
	if !days.literal && spec.Dow&winCronStar == 0 && dow != winMonToFri {
		return winPeriod{}, errors.New(`day-of-week must be * or 1-5 unless days is "all" (the calendar decides working days; list weekdays in days, e.g. "2,4")`)
	}
	cp := winPeriod{dom: spec.Dom, month: spec.Month, dow: spec.Dow, dur: p.Duration}
	for h := range 24 {
		for m := range 60 {
			if spec.Hour&(1<<h) != 0 && spec.Minute&(1<<m) != 0 {
				cp.minutes = append(cp.minutes, h*60+m)
			}
		}
	}
	return cp, nil
}

// parseWinSpec parses a standard 5-field spec, refusing what a window cannot
// mean: a zone prefix (the policy has the zone), @every (not tied to the
// clock) and anything that is not a plain schedule.
func parseWinSpec(s string) (spec *cron.SpecSchedule, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, errors.New("empty start")
	case strings.HasPrefix(s, "CRON_TZ=") || strings.HasPrefix(s, "TZ="):
		return nil, errors.New("zone prefixes are not allowed in a start; set the window's zone instead")
	case strings.HasPrefix(s, "@every"):
		return nil, errors.New("@every is not tied to the clock; use a 5-field start")
	}
	defer func() {
		// robfig/cron v3.0.1 panics on some malformed input (a bare
		// "CRON_TZ=zone", caught above); never let a spec crash the bot.
		if r := recover(); r != nil {
			spec, err = nil, fmt.Errorf("invalid start: %v", r)
		}
	}()
	sched, err := cron.ParseStandard(s)
	if err != nil {
		return nil, err
	}
	spec, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unsupported schedule %T", sched)
	}
	return spec, nil
}

// winDayStatus is what a window makes of one date.
type winDayStatus struct {
	day     Day
	weekday time.Weekday
	blocked WindowReason // the calendar closes the day; "" otherwise
	working bool         // a working day, after the policy's holiday/no-data choices
}

func (w *Windows) status(d Date) winDayStatus {
	st := winDayStatus{day: w.cal.Day(d), weekday: d.In(time.UTC).Weekday()}
	// A closed day keeps its plain weekday, so the reason can still tell
	// which periods it suppressed.
	st.working = st.weekday != time.Saturday && st.weekday != time.Sunday
	switch st.day.Kind {
	case DayFreeze:
		st.blocked = WindowFreeze
	case DayHoliday:
		if !w.openOnHolidays {
			st.blocked = WindowHoliday
		}
	case DayNoData:
		if !w.openWithoutData {
			st.blocked = WindowNoData
		}
	case DayMakeUp, DayWorkday:
		st.working = true
	}
	return st
}

// onDay reports whether p starts on a day, ignoring whether the calendar
// closes it (the caller looks at blocked).
func (p *winPeriod) onDay(d Date, st winDayStatus, rule winDaysRule) bool {
	if p.month&(1<<uint(d.Month)) == 0 {
		return false
	}
	dom := p.dom&(1<<uint(d.Day)) != 0
	if !rule.literal {
		return dom && st.working && rule.mask&(1<<uint(st.weekday)) != 0
	}
	dow := p.dow&(1<<uint(st.weekday)) != 0
	if p.dom&winCronStar != 0 || p.dow&winCronStar != 0 {
		return dom && dow // robfig/cron's rule: AND if either field is *
	}
	return dom || dow
}
