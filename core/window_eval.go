package core

import (
	"slices"
	"time"
)

// winOccurrence is one period start on one day.
type winOccurrence struct {
	span    WindowSpan
	day     Day          // the day it starts on, which governs it
	blocked WindowReason // "" when the winOccurrence is open
}

// At answers whether the window is open at t and, if not, why and when it
// opens next. Times in the answer are in the window's zone.
func (w *Windows) At(t time.Time) WindowDecision {
	t = t.In(w.loc)
	d := DateOf(t)
	dec := WindowDecision{Location: w.loc}
	occs := w.occurrencesBetween(d.AddDays(-w.back), d)
	var opener, closer *winOccurrence
	for _, o := range occs {
		switch {
		case !o.span.Contains(t):
		case o.blocked == "":
			opener = &o
		default:
			closer = &o
		}
	}
	if opener != nil {
		dec.Open, dec.Day = true, opener.day
		for _, s := range mergeWinSpans(occs) {
			if s.Contains(t) {
				dec.Until = w.extend(t, s.End, d)
			}
		}
		return dec
	}
	if closer != nil {
		dec.Reason, dec.Day = closer.blocked, closer.day
	} else {
		st := w.status(d)
		dec.Reason, dec.Day = st.blocked, st.day
		if dec.Reason == "" {
			dec.Reason = WindowOutside
		}
	}
	dec.Next = w.next(t)
	return dec
}

// Plan lists days from `from` on: the windows opening each day, or why none does.
func (w *Windows) Plan(from Date, days int) []DayPlan {
	out := make([]DayPlan, 0, max(days, 0))
	for i := range days {
		d := from.AddDays(i)
		st := w.status(d)
		p := DayPlan{Day: st.day, Weekday: st.weekday, Spans: mergeWinSpans(w.occurrences(d, st))}
		if len(p.Spans) == 0 {
			p.Closed = st.blocked
			if p.Closed == "" {
				p.Closed = WindowOutside
			}
		}
		out = append(out, p)
	}
	return out
}

// Edges lists the openings and closings of the window in [from, to), in
// time order, for announcements ("window open", "closing in 15 minutes").
func (w *Windows) Edges(from, to time.Time) []WindowEdge {
	from, to = from.In(w.loc), to.In(w.loc)
	last := DateOf(to)
	spans := mergeWinSpans(w.occurrencesBetween(DateOf(from).AddDays(-w.back), last))
	if n := len(spans); n > 0 {
		spans[n-1].End = w.extend(spans[n-1].Start, spans[n-1].End, last)
	}
	var out []WindowEdge
	for _, s := range spans {
		if !s.Start.Before(from) && s.Start.Before(to) {
			out = append(out, WindowEdge{At: s.Start, Open: true, Span: s})
		}
		if !s.End.Before(from) && s.End.Before(to) {
			out = append(out, WindowEdge{At: s.End, Open: false, Span: s})
		}
	}
	return out
}

// extend follows a window that ends at end past the day `last`, through
// periods that start before it closes, up to the horizon.
func (w *Windows) extend(from, end time.Time, last Date) time.Time {
	limit := DateOf(from).AddDays(WindowHorizonDays)
	for d := last.AddDays(1); !w.midnight(d).After(end); d = d.AddDays(1) {
		if !winDateBefore(d, limit) {
			return end // chained beyond the horizon: report as far as we looked
		}
		for _, o := range w.occurrences(d, w.status(d)) {
			if o.blocked == "" && !o.span.Start.After(end) && o.span.End.After(end) {
				end = o.span.End
			}
		}
	}
	return end
}

// next is the first open period starting at or after t within the horizon.
func (w *Windows) next(t time.Time) time.Time {
	d := DateOf(t)
	for i := 0; i <= WindowHorizonDays; i++ {
		day := d.AddDays(i)
		for _, o := range w.occurrences(day, w.status(day)) {
			if o.blocked == "" && !o.span.Start.Before(t) {
				return o.span.Start
			}
		}
	}
	return time.Time{}
}

func (w *Windows) occurrencesBetween(first, last Date) []winOccurrence {
	var out []winOccurrence
	for d := first; !winDateBefore(last, d); d = d.AddDays(1) {
		out = append(out, w.occurrences(d, w.status(d))...)
	}
	return out
}

// occurrences lists every period start on d, sorted by start, each cut at
// the first freeze day after d.
func (w *Windows) occurrences(d Date, st winDayStatus) []winOccurrence {
	var out []winOccurrence
	var cut time.Time
	cutKnown := false
	for i := range w.periods {
		p := &w.periods[i]
		if !p.onDay(d, st, w.days) {
			continue
		}
		if !cutKnown {
			cut, cutKnown = w.freezeAfter(d), true
		}
		for _, m := range p.minutes {
			start := winWallTime(d, m/60, m%60, w.loc)
			end := start.Add(p.dur)
			if !cut.IsZero() && end.After(cut) {
				end = cut
			}
			out = append(out, winOccurrence{span: WindowSpan{start, end}, day: st.day, blocked: st.blocked})
		}
	}
	slices.SortStableFunc(out, func(a, b winOccurrence) int { return a.span.Start.Compare(b.span.Start) })
	return out
}

// freezeAfter is the midnight starting the first freeze day a period
// starting on d could reach, or zero.
func (w *Windows) freezeAfter(d Date) time.Time {
	for i := 1; i <= w.back; i++ {
		if next := d.AddDays(i); w.cal.Day(next).Kind == DayFreeze {
			return w.midnight(next)
		}
	}
	return time.Time{}
}

// merge joins the open occurrences that overlap or touch into windows.
func mergeWinSpans(occ []winOccurrence) []WindowSpan {
	var out []WindowSpan
	for _, o := range occ {
		if o.blocked != "" {
			continue
		}
		if n := len(out); n > 0 && !o.span.Start.After(out[n-1].End) {
			if o.span.End.After(out[n-1].End) {
				out[n-1].End = o.span.End
			}
			continue
		}
		out = append(out, o.span)
	}
	return out
}

func (w *Windows) midnight(d Date) time.Time { return winWallTime(d, 0, 0, w.loc) }

func winDateBefore(a, b Date) bool { return a.In(time.UTC).Before(b.In(time.UTC)) }
