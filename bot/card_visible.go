package bot

import (
	"strings"
	"time"

	"github.com/dingops/dingops/core"
)

// visibleRows is the card row saying how far a finished deploy reached
// users: "switched at … · CDN refresh done at … · users served v42 since
// … (T+5m41s)", or "confirming…", or "not confirmed" after the timeout.
func (b *Bot) visibleRows(lang string, p core.Plan) [][2]string {
	v := p.Visible
	if v == nil || p.Release.Status != core.StatusSucceeded || v.Switched.IsZero() {
		return nil
	}
	f := b.fmt(lang)
	parts := []string{b.t(lang, "visible.switched", "at", f.clock(v.Switched))}
	for _, s := range v.Steps {
		parts = append(parts, b.t(lang, "visible.step."+s.Name, "at", f.clock(s.At)))
	}
	switch {
	case v.Confirmed():
		parts = append(parts, b.t(lang, "visible.served", "version", p.Release.Version, "at", f.clock(v.Served),
			"after", v.Served.Sub(v.Switched).Round(time.Second).String()))
	case v.TimedOut:
		parts = append(parts, b.t(lang, "visible.not_confirmed"))
	default:
		parts = append(parts, b.t(lang, "visible.confirming"))
	}
	return [][2]string{{b.t(lang, "visible.label"), strings.Join(parts, " · ")}}
}

// clock is a time of day in the configured zone, to the second.
func (f formatter) clock(t time.Time) string { return t.In(f.zone).Format("15:04:05") }

// VisibleText is the confirmation line of release r as a label and a
// value, for the dashboard; both "" when nothing is known.
func (b *Bot) VisibleText(lang string, r core.Release, v *core.Visibility) (string, string) {
	rows := b.visibleRows(lang, core.Plan{Release: r, Visible: v})
	if len(rows) == 0 {
		return "", ""
	}
	return rows[0][0], b.redact(rows[0][1])
}
