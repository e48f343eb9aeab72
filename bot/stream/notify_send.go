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
// Another replica may move the release on at any moment, so a card never
// gets a snapshot this process could not confirm: when the store cannot be
// read, the update waits and tries again (an ended release's own final
// snapshot is safe to send, as nothing follows an end); and after an
// update that was not final, the release is read once more and the cards
// refreshed if it moved meanwhile — whichever of two replicas' updates
// reaches DingTalk last, the newest state is the one that stays.
func (n *Notifier) send(ctx context.Context, u *update) {
	t := n.t
	r, err := t.cfg.Releases.Release(ctx, u.id)
	if err != nil {
		if u.end == nil || u.last.Release.App == "" {
			n.again(ctx, u, err)
			return
		}
		r = u.last.Release
	}
	n.mu.Lock()
	progress := n.progress[u.id]
	if r.Status.Final() {
		delete(n.progress, u.id)
	}
	n.mu.Unlock()
	cards, err := t.cards.OfRelease(ctx, u.id)
	if err != nil {
		n.again(ctx, u, err)
		return
	}
	for _, c := range cards {
		n.sendCard(ctx, c, r, progress, u.end != nil)
	}
	if u.end != nil {
		n.tellRequester(ctx, r, *u.end)
	}
	if len(cards) > 0 && !r.Status.Final() {
		if now, err := t.cfg.Releases.Release(ctx, u.id); err == nil && now.Status != r.Status {
			n.refresh(u.id)
		}
	}
}

// again puts an update that could not be sent back in the queue after a
// pause, a bounded number of times; a newer update queued meanwhile wins,
// keeping this one's end.
func (n *Notifier) again(ctx context.Context, u *update, err error) {
	u.tries++
	kv := []any{"release", int64(u.id), "attempt", u.tries, "of", n.t.cfg.Retries, "err", err}
	if u.tries >= n.t.cfg.Retries {
		n.t.log.ErrorContext(ctx, "reading release for its cards; giving up on this update", kv...)
		return
	}
	n.t.log.WarnContext(ctx, "reading release for its cards; will try again", kv...)
	n.mu.Lock()
	if cur := n.pending[u.id]; cur != nil {
		if cur.end == nil {
			cur.end = u.end
		}
	} else {
		u.notAt = time.Now().Add(n.t.cfg.RetryDelay << (u.tries - 1))
		n.pending[u.id] = u
	}
	n.mu.Unlock()
	n.poke() // the loop recomputes its wait
}

// refresh queues a re-read of a release's cards from the store.
func (n *Notifier) refresh(id core.ReleaseID) {
	n.mu.Lock()
	if n.pending[id] == nil {
		n.pending[id] = &update{id: id, last: core.Event{Release: core.Release{ID: id}}}
	}
	n.mu.Unlock()
	n.poke()
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
	u := dingtalk.CardUpdate{OutTrackID: rec.OutTrackID, Data: c.Params}
	if r.Status.Final() {
		u.PrivateData = n.clearNotices(ctx, r.ID)
	}
	n.retry(ctx, "updating card", func() error {
		return t.api.UpdateCard(ctx, u)
	}, "release", int64(r.ID), "card", rec.OutTrackID, "status", r.Status)
}

// clearNotices empties the private notice of everyone whose click on the
// release's card was refused (every refusal is audited, with the click's
// origin), so a "you may not approve" does not stay on a card whose
// request has ended. A failed read only leaves the notices as they were.
func (n *Notifier) clearNotices(ctx context.Context, id core.ReleaseID) map[string]map[string]string {
	evs, err := n.t.cfg.Store.Audit(ctx, core.AuditFilter{ReleaseID: id, Kind: core.AuditRefusal})
	if err != nil {
		n.t.log.WarnContext(ctx, "reading refused clicks to clear their notices", "release", int64(id), "err", err)
		return nil
	}
	var out map[string]map[string]string
	for _, ev := range evs {
		if ev.Origin == core.OriginCard && ev.Actor != "" {
			if out == nil {
				out = map[string]map[string]string{}
			}
			out[ev.Actor] = map[string]string{NoticeParam: ""}
		}
	}
	return out
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
		_, err := t.api.SendDirect(ctx, []string{r.Requester}, dingtalk.Text(t.bot.OutcomeText(ctx, lang, end)))
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
