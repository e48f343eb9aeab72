package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dingops/dingops/core"
)

func handleWindows(ctx context.Context, b *Bot, m Message, c *Command) Response {
	lang := b.lang(m)
	apps := b.visibleApps(m)
	if c.App != "" {
		app, ref := b.appFor(m, c.App)
		if ref != nil {
			return b.fail(ctx, lang, ref)
		}
		apps = []*core.App{app}
	}
	if b.cfg.Windows == nil {
		return Response{Text: b.t(lang, "windows.none")}
	}
	var parts []string
	for _, a := range apps {
		plan, loc, ok := b.cfg.Windows.WindowPlan(a.Name, b.now(), 7)
		if !ok {
			parts = append(parts, b.t(lang, "windows.always", "app", a.Name))
			continue
		}
		header := "windows.header"
		if !b.hasWindow(a.Name) {
			header = "windows.default_header"
		}
		parts = append(parts, b.t(lang, header, "app", a.Name, "zone", loc.String())+"\n"+b.dayPlans(lang, plan))
	}
	return Response{Text: strings.Join(parts, "\n\n")}
}

// dayPlans renders a week of windows, one line a day.
func (b *Bot) dayPlans(lang string, plan []core.DayPlan) string {
	lines := make([]string, 0, len(plan))
	var noData core.Date // the first day past the holiday data that a window still opens
	for _, d := range plan {
		day := d.Day.Date.String()[5:] + " " + b.t(lang, fmt.Sprintf("weekday.%d", d.Weekday))
		if len(d.Spans) == 0 {
			why := b.t(lang, "window."+string(d.Closed), "name", d.Day.Name)
			lines = append(lines, fmt.Sprintf("- %s：%s", day, why))
			continue
		}
		var spans []string
		for _, s := range d.Spans {
			if s.End.Sub(s.Start) >= 24*time.Hour && s.Start.Format("15:04") == "00:00" {
				spans = append(spans, b.t(lang, "windows.all_day"))
				continue
			}
			spans = append(spans, s.Start.Format("15:04")+"–"+s.End.Format("15:04"))
		}
		note := ""
		switch d.Day.Kind {
		case core.DayMakeUp:
			note = " (" + b.t(lang, "windows.makeup", "name", d.Day.Name) + ")"
		case core.DayNoData:
			note = " (" + b.t(lang, "windows.no_data_open") + ")"
			if noData.Year == 0 {
				noData = d.Day.Date
			}
		}
		lines = append(lines, fmt.Sprintf("- %s：%s%s", day, strings.Join(spans, ", "), note))
	}
	if noData.Year != 0 {
		end := noData.In(time.UTC).AddDate(0, 0, -1)
		lines = append(lines, b.t(lang, "windows.data_ends", "date", end.Format(time.DateOnly)))
	}
	out := strings.Join(lines, "\n")
	if lang == "en" {
		out = strings.ReplaceAll(out, "：", ": ")
	}
	return out
}

// hasWindow reports whether app has a window of its own (not the default).
func (b *Bot) hasWindow(app string) bool {
	f, ok := b.cfg.Windows.(interface {
		For(string) (*core.Windows, bool)
	})
	if !ok {
		return true
	}
	_, own := f.For(app)
	return own
}
