package core

import (
	"fmt"
	"sort"
	"time"
)

// AppWindows maps apps to their release windows. An app without a window
// may release any time.
type AppWindows struct {
	byApp map[string]*Windows
}

// NewAppWindows compiles each named policy for the apps it covers; errs
// holds a one-line error per policy name that does not compile.
func NewAppWindows(policies map[string]WindowPolicy, apps map[string][]string, cal Calendar) (*AppWindows, map[string]error) {
	w := &AppWindows{byApp: map[string]*Windows{}}
	errs := map[string]error{}
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
		return nil
	}
	return ws.At(t).AsReason(app.Name)
}

// For returns an app's windows, if it has any.
func (w *AppWindows) For(app string) (*Windows, bool) {
	ws, ok := w.byApp[app]
	return ws, ok
}

// WindowPlan lists days of an app's windows from the day of from.
func (w *AppWindows) WindowPlan(app string, from time.Time, days int) ([]DayPlan, *time.Location, bool) {
	ws, ok := w.byApp[app]
	if !ok {
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
