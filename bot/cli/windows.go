package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/core"
)

func runWindows(_ context.Context, env Env, args []string) int {
	fs := flags(env, "windows", "--config FILE [--app APP] [--from YYYY-MM-DD] [--days N]")
	cfgPath := fs.String("config", "", "configuration file")
	app := fs.String("app", "", "only this app")
	from := fs.String("from", "", "first day (default: today in the configured zone)")
	days := fs.Int("days", 30, "how many days (1-400)")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	if *days < 1 || *days > 400 {
		return usageError(env, "windows", "--days must be between 1 and 400, got %d", *days)
	}
	cfg, ok := load(env, "windows", *cfgPath)
	if !ok {
		return 1
	}
	start := time.Now().In(cfg.Zone())
	if *from != "" {
		t, err := time.ParseInLocation(time.DateOnly, *from, cfg.Zone())
		if err != nil {
			return usageError(env, "windows", "--from %q is not a date (YYYY-MM-DD)", *from)
		}
		start = t
	}
	ws, err := system.Windows(cfg)
	if err != nil {
		return fail(env, "windows", err)
	}
	apps := ws.Apps()
	if *app != "" {
		if _, known := cfg.Apps[*app]; !known {
			return usageError(env, "windows", "no app %q in %s", *app, *cfgPath)
		}
		apps = []string{*app}
	}
	for i, a := range apps {
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		printWindows(env, ws, a, start, *days)
	}
	if len(apps) == 0 {
		fmt.Fprintln(env.Stdout, "no release windows are configured: every app may release any time")
	}
	return 0
}

func printWindows(env Env, ws system.WindowSource, app string, start time.Time, days int) {
	plan, loc, ok := ws.WindowPlan(app, start, days)
	if !ok {
		fmt.Fprintf(env.Stdout, "%s: no release window (open any time)\n", app)
		return
	}
	fmt.Fprintf(env.Stdout, "%s (times in %s):\n", app, loc)
	for _, d := range plan {
		fmt.Fprintf(env.Stdout, "  %s %s  %s\n", d.Day.Date, d.Weekday.String()[:3], dayText(d))
	}
}

func dayText(d core.DayPlan) string {
	var spans []string
	for _, s := range d.Spans {
		end := s.End.Format("15:04")
		if core.DateOf(s.End) != d.Day.Date {
			end = s.End.Format("01-02 15:04")
		}
		spans = append(spans, s.Start.Format("15:04")+"–"+end)
	}
	note := ""
	switch d.Day.Kind {
	case core.DayMakeUp:
		note = "  (make-up working day " + d.Day.Name + ")"
	case core.DayWorkday:
		note = "  (working day by override " + d.Day.Name + ")"
	}
	if len(spans) > 0 {
		return strings.Join(spans, ", ") + note
	}
	why := map[core.WindowReason]string{core.WindowReason("holiday"): "closed: holiday " + d.Day.Name,
		core.WindowReason("freeze"): "closed: freeze " + d.Day.Name, core.WindowReason("no_data"): "closed: no holiday data for this day"}[d.Closed]
	if why == "" {
		why = "closed: no window this day"
		if slices.Contains([]time.Weekday{time.Saturday, time.Sunday}, d.Weekday) && d.Day.Kind != core.DayMakeUp {
			why = "closed: weekend"
		}
	}
	return why + note
}
