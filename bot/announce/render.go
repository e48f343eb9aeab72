package announce

import (
	"fmt"
	"strings"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// Message is a markdown announcement; Title is what notifications show.
type Message struct {
	Title, Text string
}

// WindowNotice is what a window_open or window_closing post says.
type WindowNotice struct {
	Apps []string
	// At is the scheduled time: times on its day are shown without a date.
	At time.Time
	// Now is when it is sent: "closes in N min" counts from here, so a
	// late (caught-up) notice stays true.
	Now   time.Time
	Until time.Time      // when the window closes
	Next  time.Time      // closing: the next opening; zero if none within the horizon
	Zone  *time.Location // the window's zone
}

// GroupWindows is the window of some of a freeze post's apps.
type GroupWindows struct {
	Apps  []string
	Zone  *time.Location
	Spans []core.WindowSpan // freeze_over: today's windows
	Next  time.Time         // the next opening (freeze_tomorrow; freeze_over when none today)
}

// FreezeNotice is what a freeze_tomorrow or freeze_over post says about a
// run of closed days.
type FreezeNotice struct {
	Names       []string  // holiday and freeze names in the run
	First, Last core.Date // its first and last closed day
	At          time.Time // the scheduled time
	Zone        *time.Location
	Groups      []GroupWindows
}

// Renderer turns notices into messages with the bot's catalogue. Its
// methods are pure: same notice, same text.
type Renderer struct {
	cat *bot.Catalog
}

// NewRenderer loads the catalogue with the announcement sentences.
func NewRenderer() *Renderer { return &Renderer{cat: bot.NewCatalog().WithAnnouncements()} }

// WindowOpen renders "the window is open until …".
func (r *Renderer) WindowOpen(lang string, n WindowNotice) Message {
	title := r.t(lang, "announce.window_open.title")
	body := r.t(lang, "announce.window_open", "apps", r.list(lang, n.Apps), "until", r.clock(lang, n.Until, n.At, n.Zone))
	return r.message(lang, title, n.Zone, body)
}

// WindowClosing renders "the window closes at … (in N min); next …".
func (r *Renderer) WindowClosing(lang string, n WindowNotice) Message {
	title := r.t(lang, "announce.window_closing.title")
	left := int((n.Until.Sub(n.Now) + time.Minute - 1) / time.Minute)
	body := r.t(lang, "announce.window_closing", "apps", r.list(lang, n.Apps),
		"until", r.clock(lang, n.Until, n.At, n.Zone), "left", r.t(lang, "announce.min", "n", max(left, 1)))
	next := r.t(lang, "announce.next_window", "next", r.next(lang, n.Next, n.At, n.Zone, n.Zone))
	return r.message(lang, title, n.Zone, body, next)
}

// FreezeTomorrow renders "from tomorrow … no releases; next windows …".
func (r *Renderer) FreezeTomorrow(lang string, n FreezeNotice) Message {
	name := r.list(lang, n.Names)
	title := r.t(lang, "announce.freeze_tomorrow.title", "name", name)
	body := r.t(lang, "announce.freeze_tomorrow", "name", name, "first", r.day(lang, n.First),
		"last", r.day(lang, n.Last), "days", daysBetween(n.First, n.Last)+1)
	parts := []string{body}
	if len(n.Groups) > 0 {
		lines := []string{r.t(lang, "announce.next_windows")}
		for _, g := range n.Groups {
			lines = append(lines, r.t(lang, "announce.group", "apps", r.list(lang, g.Apps),
				"when", r.next(lang, g.Next, n.At, g.Zone, n.Zone)))
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return r.message(lang, title, n.Zone, parts...)
}

// FreezeOver renders "… is over; releases resume today; today's windows …".
func (r *Renderer) FreezeOver(lang string, n FreezeNotice) Message {
	name := r.list(lang, n.Names)
	title := r.t(lang, "announce.freeze_over.title", "name", name)
	body := r.t(lang, "announce.freeze_over", "name", name, "first", r.day(lang, n.First), "last", r.day(lang, n.Last))
	parts := []string{body}
	if len(n.Groups) > 0 {
		lines := []string{r.t(lang, "announce.today_windows")}
		for _, g := range n.Groups {
			lines = append(lines, r.t(lang, "announce.group", "apps", r.list(lang, g.Apps), "when", r.today(lang, g, n)))
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return r.message(lang, title, n.Zone, parts...)
}

func (r *Renderer) today(lang string, g GroupWindows, n FreezeNotice) string {
	if len(g.Spans) == 0 {
		return r.t(lang, "announce.none_today", "next", r.next(lang, g.Next, n.At, g.Zone, n.Zone))
	}
	spans := make([]string, len(g.Spans))
	for i, s := range g.Spans {
		spans[i] = s.Start.In(g.Zone).Format("15:04") + "–" + r.clock(lang, s.End, s.Start, g.Zone)
	}
	out := r.list(lang, spans)
	if g.Zone.String() != n.Zone.String() {
		out += " (" + g.Zone.String() + ")"
	}
	return out
}

// message is a heading, paragraphs and the zone every time is shown in.
func (r *Renderer) message(lang, title string, zone *time.Location, parts ...string) Message {
	text := "### " + title + "\n" + strings.Join(parts, "\n\n") + "\n\n" + r.t(lang, "announce.zone", "zone", zone.String())
	return Message{Title: title, Text: text}
}

// t renders a catalogue sentence; values are formatted by the caller.
func (r *Renderer) t(lang, key string, kv ...any) string {
	args := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return r.cat.T(lang, key, args)
}

func (r *Renderer) list(lang string, xs []string) string {
	if len(xs) == 0 {
		return r.cat.Raw(lang, "word.none")
	}
	if lang == "zh" {
		return strings.Join(xs, "、")
	}
	return strings.Join(xs, ", ")
}

// day renders 10-01（周四）.
func (r *Renderer) day(lang string, d core.Date) string {
	wd := r.cat.Raw(lang, fmt.Sprintf("weekday.%d", d.In(time.UTC).Weekday()))
	return r.t(lang, "announce.day", "date", d.String()[5:], "weekday", wd)
}

// clock shows t in zone: the time alone on ref's day, else with its day.
func (r *Renderer) clock(lang string, t, ref time.Time, zone *time.Location) string {
	t = t.In(zone)
	if core.DateOf(t) == core.DateOf(ref.In(zone)) {
		return t.Format("15:04")
	}
	return r.day(lang, core.DateOf(t)) + " " + t.Format("15:04")
}

// next shows an opening, naming its zone when it is not the message's.
func (r *Renderer) next(lang string, t, ref time.Time, zone, msgZone *time.Location) string {
	if t.IsZero() {
		return r.cat.Raw(lang, "window.none")
	}
	out := r.clock(lang, t, ref, zone)
	if zone.String() != msgZone.String() {
		out += " (" + zone.String() + ")"
	}
	return out
}

func daysBetween(a, b core.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}
