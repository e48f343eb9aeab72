package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/dingops/dingops/core"
)

type windowsPage struct {
	Unconfigured bool
	Anytime      []string
	Closures     card
	Groups       []card
}

// windowsPage shows the coming days of every app's windows, apps with the
// same windows together, and the holidays and freezes ahead.
func (s *Server) windowsPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(w, r, "windows", "windows.title")
	p := &windowsPage{Unconfigured: s.cfg.Windows == nil}
	days := s.cfg.WindowDays
	type group struct {
		apps []string
		plan []core.DayPlan
		zone string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, a := range s.cfg.Engine.Apps() {
		if s.cfg.Windows == nil {
			p.Anytime = append(p.Anytime, a.Name)
			continue
		}
		plan, loc, ok := s.cfg.Windows.WindowPlan(a.Name, v.Now, days)
		if !ok || !ownWindow(s.cfg.Windows, a.Name) { // the closures card shows the freezes that apply
			p.Anytime = append(p.Anytime, a.Name)
			continue
		}
		key := loc.String() + fmt.Sprint(plan)
		if g, seen := byKey[key]; seen {
			g.apps = append(g.apps, a.Name)
			continue
		}
		g := &group{apps: []string{a.Name}, plan: plan, zone: loc.String()}
		byKey[key] = g
		groups = append(groups, g)
	}
	closures := map[string]cardRow{}
	for _, g := range groups {
		p.Groups = append(p.Groups, windowCard(v, g.apps, g.zone, g.plan, closures))
	}
	p.Closures = closuresCard(v, days, closures)
	v.Data = p
	s.render(w, r, http.StatusOK, "windows", v)
}

func windowCard(v *view, apps []string, zone string, plan []core.DayPlan, closures map[string]cardRow) card {
	c := card{ID: "windows-" + apps[0], Title: strings.Join(apps, ", "), Sub: v.T("windows.zone", "zone", zone)}
	for _, d := range plan {
		label := d.Day.Date.String()[5:] + " " + v.Weekday(d.Weekday)
		row := cardRow{Label: label}
		if len(d.Spans) == 0 {
			row.Value, row.Tone = v.T("window."+string(d.Closed), "name", d.Day.Name), "muted"
			if d.Closed == core.WindowHoliday || d.Closed == core.WindowFreeze {
				row.Tone = "warn"
			}
		} else {
			spans := make([]string, 0, len(d.Spans))
			for _, sp := range d.Spans {
				spans = append(spans, v.Clock(sp.Start)+"–"+v.Clock(sp.End))
			}
			row.Value, row.Tone = strings.Join(spans, ", "), "ok"
		}
		if note := dayNote(v, d.Day); note != "" {
			tone := "warn"
			if d.Day.Kind == core.DayMakeUp {
				tone, row.Value = "ok", row.Value+" ("+note+")"
			}
			closures[d.Day.Date.String()] = cardRow{Label: d.Day.Date.String() + " " + v.Weekday(d.Weekday), Value: note, Tone: tone}
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// dayNote words a day that is not ordinary: a holiday, a freeze, a
// make-up working day.
func dayNote(v *view, d core.Day) string {
	switch d.Kind {
	case core.DayHoliday:
		return v.T("window.holiday", "name", d.Name)
	case core.DayFreeze:
		return v.T("window.freeze", "name", d.Name)
	case core.DayMakeUp:
		return v.T("windows.makeup") + " " + d.Name
	}
	return ""
}

func closuresCard(v *view, days int, rows map[string]cardRow) card {
	c := card{ID: "closures", Title: v.T("windows.closures", "days", days)}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.Rows = append(c.Rows, rows[k])
	}
	if len(c.Rows) == 0 {
		c.Sub = v.T("windows.closures_none", "days", days)
	}
	return c
}

// ownWindow reports whether app has a window of its own rather than the
// default one (open except during freezes).
func ownWindow(w WindowPlanner, app string) bool {
	f, ok := w.(interface {
		For(string) (*core.Windows, bool)
	})
	if !ok {
		return true
	}
	_, own := f.For(app)
	return own
}
