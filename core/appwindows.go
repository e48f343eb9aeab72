package core

import (
	"fmt"
	"sort"
	"time"
)

// AppWindows maps apps to their release windows. An app without a window
// has the default window: open at any time, weekends and holidays
// included, except on the calendar's freezes (a 双十一 freeze closes every
// app, not only the windowed ones).
type AppWindows struct {
	byApp map[string]*Windows
	def   *Windows
}

// DefaultWindow is the window of an app that has none, in zone.
func DefaultWindow(zone string) WindowPolicy {
	return WindowPolicy{Location: zone, Days: "all", OpenOnHolidays: true, OpenWithoutData: true,
		Periods: []Period{{Start: "0 0 * * *", Duration: 24 * time.Hour}}}
}

// DefaultZone is the zone of the default window until SetDefaultZone.
const DefaultZone = "Asia/Shanghai"

// SetDefaultZone puts the default window in zone (the configuration's
// time_zone), so a freeze day starts at that zone's midnight.
func (w *AppWindows) SetDefaultZone(zone string) error {
	def, err := NewWindows(DefaultWindow(zone), w.def.cal)
	if err != nil {
		return err
	}
	w.def = def
	return nil
}

// NewAppWindows compiles each named policy for the apps it covers; errs
// holds a one-line error per policy name that does not compile.
func NewAppWindows(policies map[string]WindowPolicy, apps map[string][]string, cal Calendar) (*AppWindows, map[string]error) {
	w := &AppWindows{byApp: map[string]*Windows{}}
	errs := map[string]error{}
	def, err := NewWindows(DefaultWindow(DefaultZone), cal)
	if err != nil {
		errs[""] = err
		return w, errs
	}
	w.def = def
	for name, p := range policies {
		ws, err := NewWindows(p, cal)
		if err != nil {
			errs[name] = err
			continue
		}
		for _, a := range apps[name] {
			if _, dup := w.byApp[a]; dup {
				errs[name] = fmt.Errorf("app %s has more than one window", a)
				continue
			}
			w.byApp[a] = ws
		}
	}
	return w, errs
}

// Gate is core.Config.Gate: a reason when app may not release at t.
func (w *AppWindows) Gate(app *App, t time.Time) *Reason {
	ws, ok := w.byApp[app.Name]
	if !ok {
		ws = w.def
	}
	return ws.At(t).AsReason(app.Name)
}

// For returns an app's windows, if it has any.
func (w *AppWindows) For(app string) (*Windows, bool) {
	ws, ok := w.byApp[app]
	return ws, ok
}

// WindowPlan lists days of an app's windows from the day of from. For an
// app without a window it lists the default window's days when a freeze
// falls among them, and reports false (no restriction) otherwise.
func (w *AppWindows) WindowPlan(app string, from time.Time, days int) ([]DayPlan, *time.Location, bool) {
	ws, ok := w.byApp[app]
	if !ok {
		plan := w.def.Plan(DateOf(from.In(w.def.Location())), days)
		for _, d := range plan {
			if d.Day.Kind == DayFreeze {
				return plan, w.def.Location(), true
			}
		}
		return nil, nil, false
	}
	return ws.Plan(DateOf(from.In(ws.Location())), days), ws.Location(), true
}

// Apps lists the apps that have windows, sorted.
func (w *AppWindows) Apps() []string {
	out := make([]string, 0, len(w.byApp))
	for a := range w.byApp {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
