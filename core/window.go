package core

import (
	"errors"
	"fmt"
	"time"
)

// Release windows: when an app (or app set) may be released.
//
// A window policy lists periods, each a cron-style start (minute hour dom
// month dow, in the policy's zone) plus a duration. Rules, in the order they
// are applied:
//
//   - A period is governed by the day it STARTS on (in the policy's zone): a
//     22:00+4h period on the evening before 国庆 runs until 02:00 on the
//     holiday; the same period starting on the holiday is closed.
//   - Freezes are stricter: a period also ends at the midnight that begins a
//     freeze day, so a window never runs into a company freeze.
//   - Holidays (statutory, or a configured day off) close their day unless
//     OpenOnHolidays; then the day counts as the plain weekday it is.
//   - Days with no holiday data close unless OpenWithoutData; then the day
//     counts as the plain weekday it is.
//   - Which days periods may start on is Days, not the cron day-of-week:
//     "workdays" (default) means working days from the calendar — Monday to
//     Friday, plus make-up working days (调休, even on a Saturday) and days
//     overridden to working days, minus holidays. A cron day-of-week list
//     ("2,4", "tue,thu") means working days whose weekday is listed (so a
//     make-up Saturday counts only if 6 is listed). "all" means the cron's
//     own day fields, read literally against the week. With any Days but
//     "all" the cron's day-of-week must be * or 1-5 (both read "the Days rule
//     decides"); its day-of-month and month still apply, combined with AND.
//   - Durations are elapsed time. A start that a spring-forward jump skips
//     (02:30 on 2026-03-08 in America/New_York) opens when the clocks jump
//     (03:00 EDT) — robfig/cron itself would skip that day. A start that a
//     fall-back repeats (01:30 on 2026-11-01) opens once, at its first
//     winOccurrence (EDT); a period spanning the repeated hour is one elapsed
//     hour shorter on the wall clock (00:00 EDT + 4h closes at 03:00 EST).
//   - Overlapping or touching periods form one window: Until is when the
//     window really closes, and announcements see one opening and closing.

// DefaultWindowZone is the zone of a policy that names none.
const DefaultWindowZone = "Asia/Shanghai"

// MaxPeriodDuration bounds a period's duration.
const MaxPeriodDuration = 7 * 24 * time.Hour

// WindowHorizonDays is how far ahead Next and Until look before giving up.
const WindowHorizonDays = 400

// WindowDays says which days periods may start on; see the package rules above.
type WindowDays string

// Days rules; any other value is a cron day-of-week list such as "1-5" or "tue,thu".
const (
	WindowWorkdays WindowDays = "workdays"
	WindowAllDays  WindowDays = "all"
)

// Period is one recurring open period.
type Period struct {
	// Start is a 5-field cron spec (minute hour dom month dow) in the
	// policy's zone, or @daily, @midnight, @hourly, @weekly, @monthly,
	// @yearly. CRON_TZ=/TZ= prefixes and @every are refused.
	Start    string
	Duration time.Duration // > 0 and ≤ MaxPeriodDuration
}

// WindowPolicy is the configured release window of an app or app set.
type WindowPolicy struct {
	Location        string // IANA zone; "" means DefaultWindowZone
	Periods         []Period
	Days            WindowDays // "" means WindowWorkdays
	OpenOnHolidays  bool       // holidays count as their plain weekday instead of closing
	OpenWithoutData bool       // days past the holiday data count as their plain weekday
}

// WindowReason says why a window is closed.
type WindowReason string

// Reasons a window is closed.
const (
	WindowOutside WindowReason = "outside_window" // no period covers the time
	WindowHoliday WindowReason = "holiday"        // the governing day is a holiday
	WindowFreeze  WindowReason = "freeze"         // the governing day is a company freeze
	WindowNoData  WindowReason = "no_data"        // the governing day is past the holiday data
)

// WindowSpan is one open stretch of time, in the window's zone.
type WindowSpan struct {
	Start, End time.Time // End excluded
}

// Contains reports whether t is inside the span.
func (s WindowSpan) Contains(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.End) }

// WindowDecision answers "may this app release at time T, and if not, why
// and when next?".
type WindowDecision struct {
	Open   bool
	Reason WindowReason // "" when open
	// Day governs the answer: the start day of the period covering T (open,
	// or closed by that day), or else the day T falls on.
	Day      Day
	Until    time.Time // open: when the window closes (capped at the horizon)
	Next     time.Time // closed: when the next period opens; zero if none within WindowHorizonDays
	Location *time.Location
}

// DayPlan is one day of `dingops windows` and `/windows`.
type DayPlan struct {
	Day     Day
	Weekday time.Weekday
	// Spans are the windows opening this day, merged, in the zone; a span
	// may end on a later day.
	Spans []WindowSpan
	// Closed says why no window opens this day; "" when Spans is not empty.
	Closed WindowReason
}

// WindowEdge is one opening or closing of a window, for announcements.
type WindowEdge struct {
	At   time.Time // in the window's zone
	Open bool      // true: the window opens at At; false: it closes
	// Span is the window the edge belongs to. Its End is exact (followed up
	// to the horizon); for a window that opened before the range, Start is
	// only as early as the look-back (the longest period) reaches.
	Span WindowSpan
}

// Windows is a compiled window policy bound to a calendar. It is immutable
// and safe for concurrent use.
type Windows struct {
	loc             *time.Location
	periods         []winPeriod
	days            winDaysRule
	openOnHolidays  bool
	openWithoutData bool
	cal             Calendar
	back            int // days a period can reach back from the day it ends on
}

// NewWindows compiles policy once; errors are one line naming the culprit.
func NewWindows(policy WindowPolicy, cal Calendar) (*Windows, error) {
	if cal == nil {
		return nil, errors.New("window: no calendar")
	}
	loc, err := loadWinZone(policy.Location)
	if err != nil {
		return nil, err
	}
	days, err := parseWinDays(policy.Days)
	if err != nil {
		return nil, err
	}
	if len(policy.Periods) == 0 {
		return nil, errors.New("window: no periods (a window needs at least one start and duration)")
	}
	w := &Windows{loc: loc, days: days, cal: cal,
		openOnHolidays: policy.OpenOnHolidays, openWithoutData: policy.OpenWithoutData}
	var longest time.Duration
	for i, p := range policy.Periods {
		cp, err := compileWinPeriod(p, days)
		if err != nil {
			return nil, fmt.Errorf("window period %d %q: %w", i+1, p.Start, err)
		}
		w.periods = append(w.periods, cp)
		longest = max(longest, p.Duration)
	}
	w.back = int(longest/(24*time.Hour)) + 1
	return w, nil
}

func loadWinZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultWindowZone
	}
	if name == "Local" {
		return nil, errors.New(`window zone "Local": name an IANA zone such as Asia/Shanghai`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("window zone %q: %w", name, err)
	}
	return loc, nil
}

// Location is the zone every time of this window is shown in.
func (w *Windows) Location() *time.Location { return w.loc }

// AsReason turns a closed decision into the engine's window_closed refusal
// reason (nil when open), for Config.Gate. Args: app, why (a WindowReason),
// day (2006-01-02), day_kind, name (holiday or freeze name, may be ""),
// next (time.Time in the zone, zero if none within the horizon) and zone.
func (d WindowDecision) AsReason(app string) *Reason {
	if d.Open {
		return nil
	}
	r := reason(CodeWindowClosed, "app", app, "why", d.Reason, "day", d.Day.Date.String(),
		"day_kind", d.Day.Kind, "name", d.Day.Name, "next", d.Next, "zone", d.Location.String())
	return &r
}
