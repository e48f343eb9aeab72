package stream

import (
	"context"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
)

// send brings a release's cards up to date and, when it ended, tells its
// requester. The release is read again from the store, so whatever was
// coalesced, the cards show the newest state (the final one included).
func (n *Notifier) send(ctx context.Context, u *update) {
	t := n.t
	r := u.last.Release
	if fresh, err := t.bot.Engine().Release(ctx, u.id); err == nil {
		r = fresh
	} else if r.App == "" {
		t.log.ErrorContext(ctx, "reading release for its cards", "release", int64(u.id), "err", err)
		return
	}
	n.mu.Lock()
	progress := n.progress[u.id]
	if r.Status.Final() {
		delete(n.progress, u.id)
	}
	n.mu.Unlock()
	cards, err := t.cards.OfRelease(ctx, u.id)
	if err != nil {
		t.log.ErrorContext(ctx, "reading cards of release", "release", int64(u.id), "err", err)
	}
	for _, c := range cards {
		n.sendCard(ctx, c, r, progress, u.end != nil)
	}
	if u.end != nil {
		n.tellRequester(ctx, r, *u.end)
	}
}

// sendCard updates one card with its full variable map. A markdown "card"
// cannot be edited, so it gets one new post, when the release ends.
func (n *Notifier) sendCard(ctx context.Context, rec store.CardRecord, r core.Release, progress string, ended bool) {
	t := n.t
	if rec.Markdown && !ended {
		return
	}
	c, err := t.bot.CardOf(ctx, rec.Language, r, progress)
	if err != nil {
		t.log.ErrorContext(ctx, "rendering card", "release", int64(r.ID), "card", rec.OutTrackID, "err", err)
		return
	}
	if rec.Markdown {
		n.retry(ctx, "posting release end", func() error {
			_, err := t.api.SendGroupMessage(ctx, rec.ChatID, dingtalk.Markdown(c.Title, c.Markdown))
			return err
		}, "release", int64(r.ID), "chat", rec.ChatID)
		return
	}
	n.retry(ctx, "updating card", func() error {
		return t.api.UpdateCard(ctx, dingtalk.CardUpdate{OutTrackID: rec.OutTrackID, Data: c.Params})
	}, "release", int64(r.ID), "card", rec.OutTrackID, "status", r.Status)
}

// tellRequester sends the outcome 1:1, unless the requester ended it
// themselves (a /cancel of their own request).
func (n *Notifier) tellRequester(ctx context.Context, r core.Release, end core.Event) {
	t := n.t
	if r.Requester == "" || r.Requester == core.SystemActor || (end.Step == core.StepCancelled && end.Message == r.Requester) {
		return
	}
	end.Release = r
	lang := t.bot.ChatLang(r.ChatID)
	n.retry(ctx, "telling requester the outcome", func() error {
		_, err := t.api.SendDirect(ctx, []string{r.Requester}, dingtalk.Text(t.bot.EventLine(lang, end)))
		return err
	}, "release", int64(r.ID), "user", r.Requester)
}

// retry makes a bounded number of attempts, doubling the pause, and logs
// every failure with the API and DingTalk's code.
func (n *Notifier) retry(ctx context.Context, what string, call func() error, kv ...any) {
	delay := n.t.cfg.RetryDelay
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return
		}
		n.t.apiError(ctx, what, err, append(kv, "attempt", attempt, "of", n.t.cfg.Retries)...)
		if attempt >= n.t.cfg.Retries {
			return
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		delay *= 2
	}
}
