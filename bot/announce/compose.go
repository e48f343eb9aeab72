package announce

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dingops/dingops/core"
)

// maxRun bounds how far a freeze post looks for the end (or start) of a
// run of closed days.
const maxRun = 60

// compose says what fire f announces when sent at now, or why it says
// nothing (skip). It depends only on the post, the scheduled time and the
// calendar, so every replica decides alike; only window_closing's "in N
// minutes" counts from now.
func (s *Service) compose(ctx context.Context, f fire, now time.Time) (msg Message, skip string, err error) {
	p := &s.posts[f.post]
	switch p.Kind {
	case WindowOpen, WindowClosing:
		msg, skip = s.composeWindow(p, p.groups[f.group], f.at, now)
	case FreezeTomorrow:
		msg, skip = s.composeFreezeTomorrow(p, f.at)
	case FreezeOver:
		msg, skip = s.composeFreezeOver(p, f.at)
	case WeeklyDigest:
		msg, err = s.composeDigest(ctx, p, f.at)
	}
	return msg, skip, err
}

func (s *Service) composeWindow(p *post, g group, at, now time.Time) (Message, string) {
	dec := g.ws.At(at)
	if !dec.Open {
		return Message{}, fmt.Sprintf("the window is not open at %s (%s)", at.Format(time.RFC3339), dec.Reason)
	}
	if !now.Before(dec.Until) { // caught up too late: the news is false now
		return Message{}, "the window closed before it could be announced"
	}
	n := WindowNotice{Apps: g.apps, At: at, Now: now, Until: dec.Until, Zone: g.ws.Location()}
	if p.Kind == WindowOpen {
		return s.render.WindowOpen(p.Language, n), ""
	}
	n.Next = g.ws.At(dec.Until).Next
	return s.render.WindowClosing(p.Language, n), ""
}

// closedDay reports whether releases stop for the whole calendar day: a
// holiday or a company freeze. A plain weekend is not one.
func closedDay(d core.Day) bool { return d.Kind == core.DayHoliday || d.Kind == core.DayFreeze }

// workingDay is a day people work: a make-up day or an override, or a
// plain (or unknown) Monday to Friday.
func workingDay(d core.Day) bool {
	switch d.Kind {
	case core.DayMakeUp, core.DayWorkday:
		return true
	case core.DayHoliday, core.DayFreeze:
		return false
	}
	wd := d.Date.In(time.UTC).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// composeFreezeTomorrow speaks only when tomorrow starts a run of closed
// days (today is not closed, tomorrow is).
func (s *Service) composeFreezeTomorrow(p *post, at time.Time) (Message, string) {
	cal := s.cfg.Calendar
	today := core.DateOf(at.In(p.zone))
	tomorrow := today.AddDays(1)
	if closedDay(cal.Day(today)) || !closedDay(cal.Day(tomorrow)) {
		return Message{}, "no holiday or freeze starts tomorrow"
	}
	var days []core.Day
	for d := tomorrow; len(days) < maxRun && closedDay(cal.Day(d)); d = d.AddDays(1) {
		days = append(days, cal.Day(d))
	}
	n := s.freezeNotice(p, at, days)
	for _, g := range p.groups {
		t := tomorrow.In(g.ws.Location())
		dec := g.ws.At(t)
		if dec.Open { // a window that began today and runs past midnight
			dec = g.ws.At(dec.Until)
		}
		n.Groups = append(n.Groups, GroupWindows{Apps: g.apps, Zone: g.ws.Location(), Next: dec.Next})
	}
	return s.render.FreezeTomorrow(p.Language, n), ""
}

// composeFreezeOver speaks only on the first working day after a run of
// days off that held at least one holiday or freeze day.
func (s *Service) composeFreezeOver(p *post, at time.Time) (Message, string) {
	cal := s.cfg.Calendar
	today := core.DateOf(at.In(p.zone))
	if !workingDay(cal.Day(today)) {
		return Message{}, "today is not a working day"
	}
	var days []core.Day
	for d, i := today.AddDays(-1), 0; i < maxRun && !workingDay(cal.Day(d)); d, i = d.AddDays(-1), i+1 {
		if day := cal.Day(d); closedDay(day) {
			days = append(days, day)
		}
	}
	if len(days) == 0 {
		return Message{}, "no holiday or freeze ended before today"
	}
	slices.Reverse(days)
	n := s.freezeNotice(p, at, days)
	for _, g := range p.groups {
		gw := GroupWindows{Apps: g.apps, Zone: g.ws.Location()}
		if plan := g.ws.Plan(today, 1); len(plan) == 1 {
			gw.Spans = plan[0].Spans
		}
		if len(gw.Spans) == 0 {
			gw.Next = g.ws.At(today.In(g.ws.Location())).Next
		}
		n.Groups = append(n.Groups, gw)
	}
	return s.render.FreezeOver(p.Language, n), ""
}

// freezeNotice names a run of closed days (oldest first).
func (s *Service) freezeNotice(p *post, at time.Time, days []core.Day) FreezeNotice {
	n := FreezeNotice{First: days[0].Date, Last: days[len(days)-1].Date, At: at, Zone: p.zone}
	for _, d := range days {
		if d.Name != "" && !slices.Contains(n.Names, d.Name) {
			n.Names = append(n.Names, d.Name)
		}
	}
	return n
}

// composeDigest summarises the seven days before the scheduled time.
func (s *Service) composeDigest(ctx context.Context, p *post, at time.Time) (Message, error) {
	to := at.In(p.zone)
	from := to.AddDate(0, 0, -7)
	rs, err := s.cfg.Releases.ReleasesCreatedBetween(ctx, p.Apps, from, to)
	if err != nil {
		return Message{}, fmt.Errorf("reading the digest's releases: %w", err)
	}
	return s.render.Digest(p.Language, Digest{From: from, To: to, Zone: p.zone, Apps: Summarize(p.Apps, rs)}), nil
}
