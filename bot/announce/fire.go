package announce

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// recordTimeout bounds writing a send's outcome, which is done even when
// the service is stopping, so a row is never left claimed by a send that
// ended.
const recordTimeout = 10 * time.Second

// Result says what one fire of an announcement did.
type Result struct {
	Key     string
	At      time.Time // the scheduled time, the record's key
	Sent    bool      // this call sent it
	Skipped string    // why this call sent nothing (no error)
	Message Message   // what was, or would have been, sent
	Err     error     // the store or DingTalk failed; a failed send is retried within the grace
}

// Fire sends post i as if scheduled at `at` (the playground's "send now",
// an operator's manual run). It passes the same once-only guard as the
// schedule, so a second Fire with the same `at` sends nothing, and it
// applies no grace. A window post fires once per window its apps share.
func (s *Service) Fire(ctx context.Context, i int, at time.Time) ([]Result, error) {
	if i < 0 || i >= len(s.posts) {
		return nil, fmt.Errorf("no announcement %d (there are %d)", i, len(s.posts))
	}
	n := 1
	if k := s.posts[i].Kind; k == WindowOpen || k == WindowClosing {
		n = len(s.posts[i].groups)
	}
	var out []Result
	var errs []error
	for g := range n {
		res := s.attempt(ctx, fire{post: i, group: g, at: at.Truncate(time.Millisecond)})
		s.logResult(res)
		out = append(out, res)
		errs = append(errs, res.Err)
	}
	return out, errors.Join(errs...)
}

// due tries a scheduled fire unless it is older than the grace.
func (s *Service) due(ctx context.Context, f fire, now time.Time) Result {
	if late := now.Sub(f.at); late > s.cfg.Grace {
		s.log.Warn("announcement missed beyond the grace; not sent", "key", s.key(f), "at", f.at, "late", late.String())
		return Result{Key: s.key(f), At: f.at, Skipped: "missed beyond the grace"}
	}
	res := s.attempt(ctx, f)
	s.logResult(res)
	return res
}

// attempt composes f, claims it and, if this replica won, sends it.
func (s *Service) attempt(ctx context.Context, f fire) Result {
	p := &s.posts[f.post]
	now := s.cfg.Clock.Now()
	res := Result{Key: s.key(f), At: f.at}
	msg, skip, err := s.compose(ctx, f, now)
	if err != nil || skip != "" {
		res.Skipped, res.Err = skip, err
		return res
	}
	res.Message = msg
	won, err := s.cfg.Guard.ClaimAnnouncement(ctx, store.AnnouncementClaim{Key: res.Key, FireAt: f.at, Chat: p.Chat,
		Owner: s.cfg.Owner, Now: now, Lease: s.cfg.Lease})
	switch {
	case err != nil:
		res.Err = err
	case !won:
		res.Skipped = "claimed already: sent, being sent, or waiting to be retried"
	default:
		res.Err = s.send(ctx, p, res)
		res.Sent = res.Err == nil
	}
	return res
}

// send posts a claimed announcement and records the outcome on its row. A
// panic (the SDK's generated code can panic) is recorded as a failure
// before it goes on to cron's Recover.
func (s *Service) send(ctx context.Context, p *post, res Result) (err error) {
	out := store.AnnouncementOutcome{Key: res.Key, FireAt: res.At, Owner: s.cfg.Owner}
	defer func() {
		if v := recover(); v != nil {
			s.finish(ctx, out, fmt.Errorf("panic: %v", v))
			panic(v)
		}
	}()
	sctx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	defer cancel()
	_, err = s.cfg.Sender.SendGroupMessage(sctx, p.ConversationID, dingtalk.Markdown(res.Message.Title, res.Message.Text))
	if err != nil {
		err = fmt.Errorf("sending %s to %s: %w", res.Key, p.Chat, err)
	}
	if s.cfg.Observer != nil {
		s.cfg.Observer.AnnouncementSent(string(p.Kind), err)
	}
	s.finish(ctx, out, err)
	return err
}

func (s *Service) finish(ctx context.Context, o store.AnnouncementOutcome, err error) {
	o.At = s.cfg.Clock.Now()
	if err != nil {
		o.Err, o.RetryAt = err.Error(), o.At.Add(s.cfg.RetryAfter)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	switch ferr := s.cfg.Guard.FinishAnnouncement(rctx, o); {
	case errors.Is(ferr, core.ErrStale):
		s.log.Warn("another replica took the announcement over mid-send; it may have been sent twice",
			"key", o.Key, "at", o.FireAt)
	case ferr != nil:
		s.log.Error("recording an announcement's outcome", "key", o.Key, "at", o.FireAt, "err", ferr)
	}
}

func (s *Service) logResult(r Result) {
	switch {
	case r.Sent:
		s.log.Info("announcement sent", "key", r.Key, "at", r.At)
	case r.Err != nil:
		s.log.Warn("announcement failed; retried within the grace", "key", r.Key, "at", r.At, "err", r.Err)
	default:
		s.log.Debug("announcement not sent", "key", r.Key, "at", r.At, "why", r.Skipped)
	}
}
