package configs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/robfig/cron/v3"
)

func (v *validator) calendar() {
	for i, f := range v.cfg.Calendar.Freezes {
		p := fmt.Sprintf("calendar.freezes[%d]", i)
		if f.Name == "" {
			v.bad(p+".name", "is required (shown in messages, e.g. 双十一)")
		}
		if f.From.IsZero() {
			v.bad(p+".from", "is required (YYYY-MM-DD)")
		}
		if !f.To.IsZero() && f.To.Before(f.From.Time) {
			v.bad(p+".to", "%s is before from %s", f.To.Format("2006-01-02"), f.From.Format("2006-01-02"))
		}
	}
	seen := map[string]int{}
	for i, o := range v.cfg.Calendar.Overrides {
		p := fmt.Sprintf("calendar.overrides[%d]", i)
		if o.Date.IsZero() {
			v.bad(p+".date", "is required (YYYY-MM-DD)")
		}
		v.oneOf(p+".kind", o.Kind, "workday", "holiday")
		key := o.Date.Format("2006-01-02")
		if j, dup := seen[key]; dup && !o.Date.IsZero() {
			v.bad(p+".date", "%s is already overridden by calendar.overrides[%d]", key, j)
		}
		seen[key] = i
	}
}

var daysRule = regexp.MustCompile(`^(workdays|all|[0-7a-z,\-]+)$`)

func (v *validator) windows() {
	owner := map[string]string{}
	sets := keySet(v.cfg.AppSets)
	for _, name := range sortedKeys(v.cfg.Windows) {
		w := v.cfg.Windows[name]
		p := "windows." + name
		v.name(p, "window", name)
		v.refs(p+".app_sets", w.AppSets, sets, "app set")
		for i, a := range w.Apps {
			v.refApp(fmt.Sprintf("%s.apps[%d]", p, i), a)
		}
		for _, a := range v.windowApps(w) {
			if other, dup := owner[a]; dup {
				v.bad(p, "app %s already has window %s: an app has at most one", a, other)
			}
			owner[a] = name
		}
		if w.TimeZone.Loc == nil {
			w.TimeZone = v.cfg.TimeZone
		}
		w.Days = def(w.Days, "workdays")
		v.windowDays(p+".days", w.Days)
		if len(w.Periods) == 0 {
			v.bad(p+".periods", "is required: at least one start and duration")
		}
		for i, per := range w.Periods {
			pp := fmt.Sprintf("%s.periods[%d]", p, i)
			if v.cronSpec(pp+".start", per.Start) {
				v.periodWeekdays(pp+".start", per.Start, w.Days)
			}
			if per.Duration <= 0 || per.Duration.Std().Hours() > 168 {
				v.bad(pp+".duration", "must be more than 0 and at most 168h")
			}
		}
		v.cfg.Windows[name] = w
	}
}

// WindowApps lists the apps a window applies to, directly or by app set.
func (c *Config) WindowApps(w Window) []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range w.Apps {
		add(a)
	}
	for _, s := range w.AppSets {
		for _, a := range c.AppSets[s] {
			add(a)
		}
	}
	return out
}

func (v *validator) windowApps(w Window) []string { return v.cfg.WindowApps(w) }

// cronSpec checks a 5-field cron spec without a zone prefix; robfig/cron
// panics on some malformed prefixes, so those are refused first. It
// reports whether the spec is valid.
func (v *validator) cronSpec(path, spec string) bool {
	s := strings.TrimSpace(spec)
	switch {
	case s == "":
		v.bad(path, "is required: a 5-field cron spec such as \"0 10 * * *\"")
	case strings.HasPrefix(s, "CRON_TZ=") || strings.HasPrefix(s, "TZ="):
		v.bad(path, "must not carry a time zone: set time_zone instead")
	case strings.HasPrefix(s, "@every"):
		v.bad(path, "@every is not a clock time: write a cron spec such as \"0 10 * * *\"")
	default:
		if _, err := cron.ParseStandard(s); err != nil {
			v.bad(path, "%q is not a valid cron spec (minute hour day-of-month month day-of-week): %v", spec, err)
			return false
		}
		return true
	}
	return false
}

// windowDays applies core's rule for a window's days (core/window_spec.go
// parseWinDays) here, so a bad value is reported at the days: line with
// the rest of the file's problems rather than later at the window's key.
func (v *validator) windowDays(path, days string) {
	if days == "workdays" || days == "all" {
		return
	}
	_, err := cron.ParseStandard("0 0 * * " + days)
	if !daysRule.MatchString(days) || err != nil || strings.ContainsAny(days, " \t") {
		v.bad(path, "must be workdays, all, or a day-of-week list such as 1-5, got %q", days)
	}
}

// Day-of-week bits of a parsed cron spec, as robfig/cron sets them.
const (
	cronStar   = 1 << 63
	cronMonFri = 0b111110
)

// periodWeekdays is core's rule (compileWinPeriod) for a period's start:
// unless days is "all", the calendar decides the working days, so the
// start's day-of-week must be * or 1-5.
func (v *validator) periodWeekdays(path, start, days string) {
	if days == "all" {
		return
	}
	spec, err := cron.ParseStandard(strings.TrimSpace(start))
	s, ok := spec.(*cron.SpecSchedule)
	if err != nil || !ok || s.Dow&cronStar != 0 || s.Dow == cronMonFri {
		return
	}
	v.bad(path, "day-of-week must be * or 1-5 unless days is \"all\" (the calendar decides working days; list weekdays in days, e.g. \"2,4\")")
}

// Announcement kinds.
var announcementKinds = []string{"window_open", "window_closing", "freeze_tomorrow", "freeze_over", "weekly_digest"}

func (v *validator) announcements() {
	a := &v.cfg.Announcements
	setDur(&a.Grace, 10*60*1e9)
	chats, sets := keySet(v.cfg.Chats), keySet(v.cfg.AppSets)
	for i := range a.Posts {
		post := &a.Posts[i]
		p := fmt.Sprintf("announcements.posts[%d]", i)
		if !chats[post.Chat] {
			v.bad(p+".chat", "names chat %q, which is not defined%s", post.Chat, closest(post.Chat, sortedKeys(v.cfg.Chats)))
		}
		if !v.oneOf(p+".kind", post.Kind, announcementKinds...) {
			continue
		}
		for j, app := range post.Apps {
			v.refApp(fmt.Sprintf("%s.apps[%d]", p, j), app)
		}
		v.refs(p+".app_sets", post.AppSets, sets, "app set")
		switch post.Kind {
		case "window_closing":
			if post.Before <= 0 {
				v.bad(p+".before", "is required for window_closing (e.g. 30m)")
			}
		case "freeze_tomorrow", "freeze_over", "weekly_digest":
			v.cronSpec(p+".schedule", post.Schedule)
		}
	}
}
