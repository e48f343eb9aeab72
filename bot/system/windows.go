package system

import (
	"fmt"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// windowSource is the release windows of every app, with the calendar's
// data range for `config check`.
type windowSource struct {
	*core.AppWindows
	cal  *calendar.Calendar
	apps []string
}

func (w windowSource) Apps() []string      { return w.apps }
func (w windowSource) DataEnds() core.Date { return w.cal.DataEnds() }

// Windows builds the release windows of a configuration without I/O, for
// `dingops windows`; a window the engine refuses is an error.
func Windows(cfg *configs.Config) (WindowSource, error) {
	ws, probs, err := buildWindows(cfg)
	if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, fmt.Errorf("%s: %s", probs[0].Path, probs[0].Message)
	}
	return ws, nil
}

// buildWindows compiles the calendar and each window policy; a policy the
// engine refuses becomes a problem at its YAML path.
func buildWindows(cfg *configs.Config) (windowSource, []configs.Problem, error) {
	cal, err := calendar.New(calendarConfig(cfg.Calendar), calendar.LunarGo{})
	if err != nil {
		return windowSource{}, nil, fmt.Errorf("calendar: %w", err)
	}
	policies, apps := map[string]core.WindowPolicy{}, map[string][]string{}
	for name, w := range cfg.Windows {
		p := core.WindowPolicy{Location: w.TimeZone.Name, Days: core.WindowDays(w.Days), OpenOnHolidays: w.OpenOnHolidays,
			OpenWithoutData: w.OpenWithoutData}
		for _, per := range w.Periods {
			p.Periods = append(p.Periods, core.Period{Start: per.Start, Duration: per.Duration.Std()})
		}
		policies[name], apps[name] = p, cfg.WindowApps(w)
	}
	aw, errs := core.NewAppWindows(policies, apps, cal)
	if err := aw.SetDefaultZone(cfg.TimeZone.Name); err != nil {
		if errs == nil {
			errs = map[string]error{}
		}
		errs[""] = err
	}
	var probs []configs.Problem
	for name, e := range errs {
		probs = append(probs, cfg.Problem("windows."+name, e.Error()))
	}
	return windowSource{AppWindows: aw, cal: cal, apps: sortedKeys(cfg.Apps)}, probs, nil
}

// calendarConfig maps the company's freezes and overrides.
func calendarConfig(c configs.Calendar) calendar.Config {
	cc := calendar.Config{}
	for _, f := range c.Freezes {
		fr := calendar.Freeze{Name: f.Name, From: core.DateOf(f.From.Time)}
		if !f.To.IsZero() {
			fr.To = core.DateOf(f.To.Time)
		}
		cc.Freezes = append(cc.Freezes, fr)
	}
	for _, o := range c.Overrides {
		cc.Overrides = append(cc.Overrides, calendar.Override{Date: core.DateOf(o.Date.Time), Work: o.Kind == "workday", Name: o.Name})
	}
	return cc
}
