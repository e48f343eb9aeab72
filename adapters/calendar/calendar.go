// Package calendar classifies dates for release windows: China's statutory
// holidays and make-up working days (调休) from github.com/6tail/lunar-go,
// plus a company's own freezes and overrides from configuration.
//
// Precedence, highest first: a configured override, a configured freeze, the
// statutory data, the plain week. A freeze that covers a statutory holiday
// reports the freeze and its name, not the holiday: the freeze is the
// company's decision and it closes every window, so that is what people need
// to read. Past the end of the statutory data (and before its start) a date
// that no override or freeze covers is DayNoData, never "ordinary": a missing
// year of holidays must not silently open windows on the Spring Festival.
package calendar

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dingops/dingops/core"
)

// Kind names this calendar's statutory data source in configuration and logs.
const Kind = "lunar-go"

// DataWarnDays is how close the end of the statutory data may come before
// `config check` warns that the library needs an upgrade (or overrides).
const DataWarnDays = 90

// Entry is one day of statutory data: a holiday (day off) or a make-up
// working day.
type Entry struct {
	Date core.Date
	Name string // 元旦节, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, 国庆中秋, 抗战胜利日
	Work bool   // true: a make-up working day (调休上班); false: a day off
}

// source is the slice of holiday data the calendar reads: LunarGo in
// production, a Table in tests and playgrounds.
type source interface {
	Entries() ([]Entry, error)
}

// Config is the company's own additions to the statutory data.
type Config struct {
	// Freezes are dates on which nothing is released (e.g. 双十一).
	Freezes []Freeze
	// Overrides turn single days into working days or days off; they beat
	// freezes and the statutory data, and they work past the data's end.
	Overrides []Override
	// Logger gets one line about the data range at start-up; nil discards.
	Logger *slog.Logger
}

// Freeze is a company freeze from From to To, both included.
type Freeze struct {
	Name string    // shown to people, e.g. "双十一"
	From core.Date // first frozen day
	To   core.Date // last frozen day; zero means From alone
}

// Override makes one date a working day (Work) or a day off (!Work).
type Override struct {
	Date core.Date
	Work bool   // true: core.DayWorkday; false: a day off, core.DayHoliday
	Name string // shown to people, e.g. "公司年会" or "补班"
}

// Calendar answers core.Calendar from a snapshot of the statutory data taken
// at construction, plus the configured freezes and overrides. It is
// immutable and safe for concurrent use.
type Calendar struct {
	entries     map[core.Date]Entry
	first, last core.Date
	freezes     []Freeze
	overrides   map[core.Date]Override
}

var _ core.Calendar = (*Calendar)(nil)

// New validates cfg and snapshots src's data (LunarGo{} in production).
func New(cfg Config, src source) (*Calendar, error) {
	if src == nil {
		return nil, fmt.Errorf("creating calendar: no holiday data source")
	}
	list, err := src.Entries()
	if err != nil {
		return nil, fmt.Errorf("reading holiday data: %w", err)
	}
	c := &Calendar{entries: make(map[core.Date]Entry, len(list)), overrides: map[core.Date]Override{}}
	if err := c.load(list); err != nil {
		return nil, err
	}
	if err := c.configure(cfg); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log.Info("holiday calendar loaded", "source", Kind, "from", c.first.String(),
		"until", c.last.String(), "freezes", len(c.freezes), "overrides", len(c.overrides))
	return c, nil
}

func (c *Calendar) load(list []Entry) error {
	if len(list) == 0 {
		return fmt.Errorf("reading holiday data: no entries")
	}
	for i, e := range list {
		if !valid(e.Date) {
			return fmt.Errorf("reading holiday data: entry %d has invalid date %v", i+1, e.Date)
		}
		if _, dup := c.entries[e.Date]; dup {
			continue // the first entry for a date wins, as in HolidayUtil.GetHoliday
		}
		c.entries[e.Date] = e
		if len(c.entries) == 1 || before(e.Date, c.first) {
			c.first = e.Date
		}
		if len(c.entries) == 1 || before(c.last, e.Date) {
			c.last = e.Date
		}
	}
	return nil
}

func (c *Calendar) configure(cfg Config) error {
	for i, f := range cfg.Freezes {
		if f.To == (core.Date{}) {
			f.To = f.From
		}
		switch {
		case f.Name == "":
			return fmt.Errorf("calendar freeze %d: a name is required", i+1)
		case !valid(f.From) || !valid(f.To):
			return fmt.Errorf("calendar freeze %d (%s): invalid date %v..%v", i+1, f.Name, f.From, f.To)
		case before(f.To, f.From):
			return fmt.Errorf("calendar freeze %d (%s): ends %s before it starts %s", i+1, f.Name, f.To, f.From)
		}
		c.freezes = append(c.freezes, f)
	}
	for i, o := range cfg.Overrides {
		switch {
		case o.Name == "":
			return fmt.Errorf("calendar override %d: a name is required", i+1)
		case !valid(o.Date):
			return fmt.Errorf("calendar override %d (%s): invalid date %v", i+1, o.Name, o.Date)
		}
		if prev, dup := c.overrides[o.Date]; dup {
			return fmt.Errorf("calendar override %d (%s): %s is already overridden by %q", i+1, o.Name, o.Date, prev.Name)
		}
		c.overrides[o.Date] = o
	}
	return nil
}

// Day classifies d: override, then freeze, then statutory data, then the week.
func (c *Calendar) Day(d core.Date) core.Day {
	if o, ok := c.overrides[d]; ok {
		if o.Work {
			return core.Day{Date: d, Kind: core.DayWorkday, Name: o.Name}
		}
		return core.Day{Date: d, Kind: core.DayHoliday, Name: o.Name}
	}
	for _, f := range c.freezes { // config order: the first matching freeze names the day
		if !before(d, f.From) && !before(f.To, d) {
			return core.Day{Date: d, Kind: core.DayFreeze, Name: f.Name}
		}
	}
	if before(d, c.first) || before(c.last, d) {
		return core.Day{Date: d, Kind: core.DayNoData}
	}
	if e, ok := c.entries[d]; ok {
		if e.Work {
			return core.Day{Date: d, Kind: core.DayMakeUp, Name: e.Name}
		}
		return core.Day{Date: d, Kind: core.DayHoliday, Name: e.Name}
	}
	return core.Day{Date: d, Kind: core.DayOrdinary}
}

// DataEnds is the last date the statutory data covers (the library's last
// entry); later dates are DayNoData unless configured.
func (c *Calendar) DataEnds() core.Date { return c.last }

// DataStarts is the first date the statutory data covers.
func (c *Calendar) DataStarts() core.Date { return c.first }

// DaysLeft is how many days after today the statutory data still covers
// (0 on DataEnds, negative once past it); `config check` warns when it is
// below DataWarnDays.
func (c *Calendar) DaysLeft(today core.Date) int {
	return int(c.last.In(time.UTC).Sub(today.In(time.UTC)).Hours() / 24)
}

func before(a, b core.Date) bool { return a.In(time.UTC).Before(b.In(time.UTC)) }

// valid rejects dates time.Date would silently normalise, such as 2026-02-30.
func valid(d core.Date) bool { return d != (core.Date{}) && core.DateOf(d.In(time.UTC)) == d }
