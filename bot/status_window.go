package bot

import (
	"time"

	"github.com/dingops/dingops/core"
)

// farUntil is how far off a window's end may be before /status stops
// naming it: an all-day, every-day window "closes" only at the horizon.
const farUntil = 7 * 24 * time.Hour

// statusWindow is /status's window line, as /help promises: open until
// when, or closed, why and when it opens next; an app without a window of
// its own says so. "" when no windows are configured at all.
func (b *Bot) statusWindow(lang string, st core.AppStatus) string {
	if w := st.Window; w != nil {
		next := b.fmt(lang).value(w.Args["next"])
		if t, ok := w.Args["next"].(time.Time); ok && t.IsZero() {
			next = b.t(lang, "window.none")
		}
		return b.t(lang, "status.window_closed", "why", b.windowWhy(lang, *w), "next", next)
	}
	if b.cfg.Windows == nil {
		return ""
	}
	f, ok := b.cfg.Windows.(interface {
		For(string) (*core.Windows, bool)
	})
	if !ok {
		return ""
	}
	ws, own := f.For(st.App.Name)
	if !own {
		return b.t(lang, "status.window_none")
	}
	now := b.now()
	if d := ws.At(now); d.Open && !d.Until.IsZero() && d.Until.Sub(now) < farUntil {
		return b.t(lang, "status.window_open", "until", d.Until)
	}
	return b.t(lang, "status.window_open_long")
}
