package announce

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dingops/dingops/core"
)

// post is a Post compiled: its key, its window groups and its schedule.
type post struct {
	Post
	key    string
	groups []group        // apps that share one release window
	sched  cron.Schedule  // cron posts only
	zone   *time.Location // of the cron schedule and the freeze/digest texts
}

// group is the apps of a post that share one *core.Windows, so one window
// edge makes one message naming them all.
type group struct {
	apps []string
	ws   *core.Windows
	key  string // window posts: the post key, plus these apps when they are not all of the post's
}

func (c Config) withDefaults() (Config, error) {
	if c.Sender == nil || c.Guard == nil {
		return c, errors.New("announcements: a sender and a store are required")
	}
	if c.Zone == nil {
		loc, err := time.LoadLocation(core.DefaultWindowZone)
		if err != nil {
			return c, fmt.Errorf("announcements: loading %s: %w", core.DefaultWindowZone, err)
		}
		c.Zone = loc
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Grace, 10*time.Minute)
	def(&c.RetryAfter, time.Minute)
	def(&c.Lease, 2*time.Minute)
	def(&c.SendTimeout, 30*time.Second)
	def(&c.SweepEvery, time.Minute)
	if c.SendTimeout >= c.Lease {
		return c, fmt.Errorf("announcements: the send timeout %s must be shorter than the lease %s", c.SendTimeout, c.Lease)
	}
	if c.Owner == "" {
		c.Owner = defaultOwner()
	}
	if c.Clock == nil {
		c.Clock = core.WallClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// defaultOwner is unique per Service, so two in one process (tests, the
// playground) never finish each other's claims.
func defaultOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

func postError(i int, p Post, err error) error {
	return fmt.Errorf("announcement %d (%s in %s): %w", i+1, p.Kind, p.Chat, err)
}

// compile checks a post and prepares what its kind needs: window groups,
// a cron schedule, or both.
func (s *Service) compile(p Post) (post, error) {
	if p.ConversationID == "" {
		return post{}, errors.New("no conversation id")
	}
	if p.Language == "" {
		p.Language = "zh"
	}
	if p.Chat == "" {
		p.Chat = p.ConversationID
	}
	p.Apps = slices.Clone(p.Apps)
	cp := post{Post: p, zone: s.cfg.Zone}
	var err error
	switch p.Kind {
	case WindowOpen, WindowClosing:
		if p.Kind == WindowClosing && p.Before <= 0 {
			return cp, errors.New("window_closing needs a positive before")
		}
		err = s.compileGroups(&cp, true)
	case FreezeTomorrow, FreezeOver:
		if s.cfg.Calendar == nil {
			return cp, errors.New("no holiday calendar")
		}
		if err = s.compileSchedule(&cp); err == nil && s.cfg.Windows != nil {
			err = s.compileGroups(&cp, false)
		}
	case WeeklyDigest:
		if s.cfg.Releases == nil || len(p.Apps) == 0 {
			return cp, errors.New("a digest needs apps and the release store")
		}
		err = s.compileSchedule(&cp)
	default:
		return cp, fmt.Errorf("unknown kind %q", p.Kind)
	}
	cp.setKeys()
	return cp, err
}

// setKeys names the post, and each window group by the post's key plus its
// apps when they are not all of the post's.
func (p *post) setKeys() {
	p.key = postKey(p.Post)
	for i := range p.groups {
		p.groups[i].key = p.key
		if apps := sorted(p.groups[i].apps); !slices.Equal(apps, sorted(p.Apps)) {
			p.groups[i].key += "/window=" + strings.Join(apps, ",")
		}
	}
}

// compileSchedule parses the cron spec; its zone is Config.Zone, so a
// CRON_TZ= prefix (which robfig/cron can panic on) is refused.
func (s *Service) compileSchedule(p *post) error {
	spec := strings.TrimSpace(p.Schedule)
	if spec == "" || strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "@every") {
		return fmt.Errorf("schedule %q: write a cron spec such as \"0 17 * * *\" without a zone", p.Schedule)
	}
	sched, err := s.parser.Parse(spec)
	if err != nil {
		return fmt.Errorf("schedule %q: %w", p.Schedule, err)
	}
	p.sched = sched
	return nil
}

// compileGroups groups the post's apps by the release window they share;
// apps without a window are left out (and logged).
func (s *Service) compileGroups(p *post, need bool) error {
	if s.cfg.Windows == nil {
		return errors.New("no release windows")
	}
	byWin := map[*core.Windows]int{}
	for _, app := range p.Apps {
		ws, ok := s.cfg.Windows.For(app)
		if !ok {
			if need {
				s.log.Warn("app has no release window; window announcements leave it out", "app", app, "kind", p.Kind, "chat", p.Chat)
			}
			continue
		}
		i, seen := byWin[ws]
		if !seen {
			i = len(p.groups)
			byWin[ws] = i
			p.groups = append(p.groups, group{ws: ws})
		}
		p.groups[i].apps = append(p.groups[i].apps, app)
	}
	if need && len(p.groups) == 0 {
		s.log.Warn("window announcement has no app with a release window; it never fires", "kind", p.Kind, "chat", p.Chat)
	}
	return nil
}

// postKey names a post in the store. It is built from what the post says,
// not its position, so reordering the configuration during a rolling
// update never makes a replica send an announcement a second time.
func postKey(p Post) string {
	k := fmt.Sprintf("%s/%s/%s", p.Kind, p.Chat, strings.Join(sorted(p.Apps), ","))
	switch p.Kind {
	case WindowClosing:
		k += "/before=" + p.Before.String()
	case FreezeTomorrow, FreezeOver, WeeklyDigest:
		k += "/cron=" + strings.Join(strings.Fields(p.Schedule), " ")
	}
	return k
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
