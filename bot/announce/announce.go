// Package announce posts scheduled announcements into DingTalk groups: a
// release window opening, a window closing soon, a holiday or freeze
// starting tomorrow, a freeze being over, and a weekly release digest.
//
// Window edges come from core.Windows, because windows follow the holiday
// calendar and make-up working days, which no cron spec can say; the
// service computes them and wakes at each one. The calendar and digest
// posts run on robfig/cron schedules in the configured zone.
//
// With several replicas every announcement is sent once: a replica sends
// only after its INSERT of (post key, scheduled fire time) into the store
// lands (store.ClaimAnnouncement), and the key is the scheduled time, never
// the time a replica woke up. A sweep, at start-up and every minute, claims
// whatever fell due within the grace and was not sent: fires missed while
// every replica was down, failed sends whose retry time came, claims whose
// sender died. Older fires are skipped and logged.
package announce

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// Kind names what a post announces.
type Kind string

// Post kinds, as the configuration spells them.
const (
	WindowOpen     Kind = "window_open"
	WindowClosing  Kind = "window_closing"
	FreezeTomorrow Kind = "freeze_tomorrow"
	FreezeOver     Kind = "freeze_over"
	WeeklyDigest   Kind = "weekly_digest"
)

// Post is one configured announcement, resolved for one chat.
type Post struct {
	Chat           string // the chat's name in the configuration (part of the post's key)
	ConversationID string // where it is sent (openConversationId)
	Language       string // zh (default) or en
	Kind           Kind
	Apps           []string      // app sets already expanded
	Before         time.Duration // window_closing: how long before the close
	Schedule       string        // freeze_tomorrow, freeze_over, weekly_digest: 5-field cron in Config.Zone
}

// Sender posts a markdown message into a group; *dingtalk.Client is one.
type Sender interface {
	SendGroupMessage(ctx context.Context, conversationID string, m dingtalk.Message) (string, error)
}

// Windows finds an app's release windows; *core.AppWindows is one.
type Windows interface {
	For(app string) (*core.Windows, bool)
}

// Guard is the store's once-only record of announcements; *store.Store is one.
type Guard interface {
	ClaimAnnouncement(ctx context.Context, c store.AnnouncementClaim) (bool, error)
	FinishAnnouncement(ctx context.Context, o store.AnnouncementOutcome) error
	Announcements(ctx context.Context, from, to time.Time) ([]store.Announcement, error)
	PruneAnnouncements(ctx context.Context, before time.Time) (int, error)
}

// ReleaseLog reads the releases a digest summarises; *store.Store is one.
type ReleaseLog interface {
	ReleasesCreatedBetween(ctx context.Context, apps []string, from, to time.Time) ([]core.Release, error)
}

// Config is what a Service is built from. Zero durations take the defaults.
type Config struct {
	// Observer, if set, counts each send (metrics).
	Observer interface{ AnnouncementSent(kind string, err error) }
	Posts    []Post
	Windows  Windows       // required by window and freeze posts
	Calendar core.Calendar // required by freeze posts
	Releases ReleaseLog    // required by digests
	Guard    Guard
	Sender   Sender
	// Zone is the zone of cron schedules and of freeze and digest texts;
	// nil is core.DefaultWindowZone. Window texts use their window's zone.
	Zone *time.Location
	// Grace is how late a fire may still be sent (replicas down, a failed
	// send being retried); default 10m.
	Grace time.Duration
	// RetryAfter is the wait before a failed send is tried again; default 1m.
	RetryAfter time.Duration
	// Lease is how long a claimed send is left to its replica before
	// another takes it over; default 2m. It must exceed SendTimeout.
	Lease time.Duration
	// SendTimeout bounds one send; default 30s.
	SendTimeout time.Duration
	// SweepEvery is how often the catch-up sweep runs; default 1m.
	SweepEvery time.Duration
	// Retention prunes records whose fire time is older; 0 keeps them.
	Retention time.Duration
	// Owner names this replica on its claims; default host-pid-random.
	Owner  string
	Clock  core.Clock
	Logger *slog.Logger
}

// Service schedules and sends the posts. It is safe for concurrent use;
// run one per replica.
type Service struct {
	cfg    Config
	log    *slog.Logger
	render *Renderer
	posts  []post
	parser cron.ScheduleParser
}

// New checks the posts and compiles their schedules and windows.
func New(cfg Config) (*Service, error) {
	return newService(cfg, cron.NewParser(cron.Minute|cron.Hour|cron.Dom|cron.Month|cron.Dow|cron.Descriptor))
}

func newService(cfg Config, parser cron.ScheduleParser) (*Service, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, log: cfg.Logger, render: NewRenderer(), parser: parser}
	for i, p := range cfg.Posts {
		cp, err := s.compile(p)
		if err != nil {
			return nil, postError(i, p, err)
		}
		s.posts = append(s.posts, cp)
	}
	return s, nil
}

// Name is the service's name in `dingops serve` logs.
func (s *Service) Name() string { return "announcements" }

// Posts lists the configured posts, in configuration order; Fire takes
// an index into it.
func (s *Service) Posts() []Post {
	out := make([]Post, len(s.posts))
	for i, p := range s.posts {
		out[i] = p.Post
	}
	return out
}

// Prune deletes announcement records scheduled before `before`.
func (s *Service) Prune(ctx context.Context, before time.Time) (int, error) {
	return s.cfg.Guard.PruneAnnouncements(ctx, before)
}
