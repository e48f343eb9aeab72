package announce

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// pruneEvery is how often Run prunes old records when Retention is set.
const pruneEvery = 6 * time.Hour

// Run schedules the posts until ctx ends: it catches up at once on what
// fell due within the grace, starts the cron posts, then wakes at every
// window edge and at least every SweepEvery to sweep. It returns nil when
// ctx ends, after cron jobs in flight have finished.
func (s *Service) Run(ctx context.Context) error {
	s.reportMissed(ctx)
	c := s.startCron(ctx)
	defer func() { <-c.Stop().Done() }()
	s.log.Info("announcements scheduled", "posts", len(s.posts), "zone", s.cfg.Zone.String(), "grace", s.cfg.Grace.String(),
		"owner", s.cfg.Owner)
	var pruned time.Time
	for {
		s.Sweep(ctx)
		now := s.cfg.Clock.Now()
		if s.cfg.Retention > 0 && now.Sub(pruned) >= pruneEvery {
			pruned = now
			if n, err := s.Prune(ctx, now.Add(-s.cfg.Retention)); err != nil {
				s.log.Warn("pruning announcement records", "err", err)
			} else if n > 0 {
				s.log.Info("pruned announcement records", "rows", n)
			}
		}
		t := time.NewTimer(s.nextWake(now).Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Sweep tries every fire scheduled in [now-grace, now] that no replica has
// sent: fires missed while every replica was down, failed sends whose
// retry time came, and claims whose sender died. The store's guard makes
// repeated sweeps, on any number of replicas, send each fire once. It
// returns what each fire did.
func (s *Service) Sweep(ctx context.Context) []Result {
	now := s.cfg.Clock.Now()
	var out []Result
	for _, f := range s.fires(now.Add(-s.cfg.Grace), now, false) {
		if ctx.Err() != nil {
			break
		}
		out = append(out, s.due(ctx, f, now))
	}
	return out
}

// reportMissed logs, at start-up, the fires of the last day that are
// older than the grace and that no replica recorded: every replica was
// down. They are not sent, since a "window opens" a day late is wrong.
func (s *Service) reportMissed(ctx context.Context) {
	now := s.cfg.Clock.Now()
	from, to := now.Add(-24*time.Hour), now.Add(-s.cfg.Grace)
	fs := s.fires(from, to, false)
	if len(fs) == 0 {
		return
	}
	recs, err := s.cfg.Guard.Announcements(ctx, from, to.Add(time.Millisecond))
	if err != nil {
		s.log.Warn("reading announcement records", "err", err)
		return
	}
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		seen[fmt.Sprint(r.Key, r.FireAt.UnixMilli())] = true
	}
	missed := 0
	for i, f := range fs {
		if seen[fmt.Sprint(s.key(f), f.at.UnixMilli())] || ctx.Err() != nil {
			continue
		}
		if missed == maxMissedLogged || i == 10*maxMissedLogged {
			s.log.Warn("more announcements were missed; not listing them all", "from", from, "to", to)
			break
		}
		if _, skip, err := s.compose(ctx, f, f.at); err == nil && skip == "" {
			missed++
			s.log.Warn("announcement missed while no replica ran; older than the grace, not sent",
				"key", s.key(f), "at", f.at, "late", now.Sub(f.at).String())
		}
	}
}

// maxMissedLogged bounds the start-up report of missed announcements.
const maxMissedLogged = 20

// startCron runs the cron posts on robfig/cron in the configured zone.
// The chain is SkipIfStillRunning, then Recover: in the other order a
// panicking job loses Skip's token and never runs again.
func (s *Service) startCron(ctx context.Context) *cron.Cron {
	l := cronLogger{s.log}
	c := cron.New(cron.WithLocation(s.cfg.Zone), cron.WithLogger(l),
		cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	for i := range s.posts {
		if s.posts[i].sched == nil {
			continue
		}
		var id cron.EntryID
		id = c.Schedule(s.posts[i].sched, cron.FuncJob(func() {
			// Entry.Prev is already this run's scheduled time (the run
			// loop sets it before serving the snapshot), so the record is
			// keyed on the schedule, not on when the job woke.
			at := c.Entry(id).Prev
			s.due(ctx, fire{post: i, at: at}, s.cfg.Clock.Now())
		}))
	}
	c.Start()
	return c
}

// cronLogger sends robfig/cron's logs to slog: its routine chatter at
// debug, skipped runs at warn, panics (from Recover) at error.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	level := slog.LevelDebug
	if msg == "skip" {
		level = slog.LevelWarn
	}
	l.log.Log(context.Background(), level, "cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
