package announce

import (
	"slices"
	"time"
)

// fire is one scheduled send: a post (and, for window posts, one group of
// its apps) at its scheduled instant.
type fire struct {
	post, group int
	at          time.Time
}

// key names f's post (or window group) in the store.
func (s *Service) key(f fire) string {
	p := &s.posts[f.post]
	if p.Kind == WindowOpen || p.Kind == WindowClosing {
		return p.groups[f.group].key
	}
	return p.key
}

// fires lists every fire scheduled in [from, to], in time order.
func (s *Service) fires(from, to time.Time, windowsOnly bool) []fire {
	var out []fire
	for i := range s.posts {
		p := &s.posts[i]
		switch {
		case p.Kind == WindowOpen || p.Kind == WindowClosing:
			out = append(out, s.edgeFires(i, from, to)...)
		case !windowsOnly && p.sched != nil:
			out = append(out, s.cronFires(i, from, to)...)
		}
	}
	slices.SortStableFunc(out, func(a, b fire) int { return a.at.Compare(b.at) })
	return out
}

// edgeFires are a window post's openings, or its closings moved `before`
// ahead. A window shorter than `before` gets no closing notice before it
// even opened.
func (s *Service) edgeFires(i int, from, to time.Time) []fire {
	p := &s.posts[i]
	lead := time.Duration(0)
	if p.Kind == WindowClosing {
		lead = p.Before
	}
	var out []fire
	for g, gr := range p.groups {
		for _, e := range gr.ws.Edges(from.Add(lead), to.Add(lead+time.Nanosecond)) {
			if e.Open != (p.Kind == WindowOpen) {
				continue
			}
			at := e.At.Add(-lead)
			if at.Before(e.Span.Start) {
				continue
			}
			// Kept to the store's millisecond, so every replica claims the
			// same key and reads back what it claimed.
			out = append(out, fire{post: i, group: g, at: at.Truncate(time.Millisecond)})
		}
	}
	return out
}

// cronFires are a cron post's activations in [from, to], computed in the
// post's zone exactly as robfig/cron computes them.
func (s *Service) cronFires(i int, from, to time.Time) []fire {
	p := &s.posts[i]
	var out []fire
	for t := p.sched.Next(from.In(p.zone).Add(-time.Second)); !t.IsZero() && !t.After(to); t = p.sched.Next(t) {
		if !t.Before(from) {
			out = append(out, fire{post: i, at: t})
		}
	}
	return out
}

// Scheduled is one upcoming announcement, for the playground and dashboard.
type Scheduled struct {
	Post int // index into Posts
	Key  string
	At   time.Time
	Apps []string // window posts: the apps of this window
}

// Upcoming lists the announcements scheduled in [from, to], in time order.
// A freeze post is listed at each activation, even those on which the
// calendar gives it nothing to say.
func (s *Service) Upcoming(from, to time.Time) []Scheduled {
	fs := s.fires(from, to, false)
	out := make([]Scheduled, len(fs))
	for i, f := range fs {
		out[i] = Scheduled{Post: f.post, Key: s.key(f), At: f.at, Apps: s.appsOf(f)}
	}
	return out
}

func (s *Service) appsOf(f fire) []string {
	p := &s.posts[f.post]
	if p.Kind == WindowOpen || p.Kind == WindowClosing {
		return slices.Clone(p.groups[f.group].apps)
	}
	return slices.Clone(p.Apps)
}

// nextWake is when the run loop next has work: the next window fire, or
// the next sweep, whichever is first. Cron posts wake their own jobs.
func (s *Service) nextWake(now time.Time) time.Time {
	wake := now.Add(s.cfg.SweepEvery)
	if fs := s.fires(now.Add(time.Nanosecond), wake, true); len(fs) > 0 {
		return fs[0].at
	}
	return wake
}
