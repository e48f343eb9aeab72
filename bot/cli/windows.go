package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dingops/dingops/bot"
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
	w := windowWords{cat: bot.NewCatalog(), lang: cfg.Language}
	for i, a := range apps {
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		w.print(env, ws, a, start, *days)
	}
	if len(apps) == 0 {
		fmt.Fprintln(env.Stdout, w.t("cli.windows.none"))
	}
	return 0
}

// windowWords words `dingops windows` in the configured language.
type windowWords struct {
	cat  *bot.Catalog
	lang string
}

func (w windowWords) t(key string, kv ...string) string {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i]] = kv[i+1]
	}
	return w.cat.T(w.lang, key, args)
}

func (w windowWords) print(env Env, ws system.WindowSource, app string, start time.Time, days int) {
	plan, loc, ok := ws.WindowPlan(app, start, days)
	if !ok {
		fmt.Fprintln(env.Stdout, w.t("cli.windows.always", "app", app))
		return
	}
	fmt.Fprintln(env.Stdout, w.t("cli.windows.header", "app", app, "zone", loc.String()))
	for _, d := range plan {
		day := d.Weekday.String()[:3]
		if w.lang == "zh" {
			day = w.t(fmt.Sprintf("weekday.%d", d.Weekday))
		}
		fmt.Fprintf(env.Stdout, "  %s %s  %s\n", d.Day.Date, day, w.dayText(d))
	}
}

func (w windowWords) dayText(d core.DayPlan) string {
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
		note = w.t("cli.windows.makeup", "name", d.Day.Name)
	case core.DayWorkday:
		note = w.t("cli.windows.workday", "name", d.Day.Name)
	}
	if len(spans) > 0 {
		return strings.Join(spans, ", ") + note
	}
	key := map[core.WindowReason]string{core.WindowReason("holiday"): "cli.windows.holiday",
		core.WindowReason("freeze"): "cli.windows.freeze", core.WindowReason("no_data"): "cli.windows.no_data"}[d.Closed]
	if key == "" {
		key = "cli.windows.no_window"
		if slices.Contains([]time.Weekday{time.Saturday, time.Sunday}, d.Weekday) && d.Day.Kind != core.DayMakeUp {
			key = "cli.windows.weekend"
		}
	}
	return w.t(key, "name", d.Day.Name) + note
}
