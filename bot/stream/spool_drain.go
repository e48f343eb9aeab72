package stream

import (
	"context"
	"encoding/json"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/store"
)

// keep puts im in the spool (on disk before it returns) and asks for a
// drain; false when there is no spool or it cannot take im.
func (t *Transport) keep(ctx context.Context, im store.InboundMessage) bool {
	if t.spool == nil {
		t.log.ErrorContext(ctx, "no local spool configured: the message is not taken", "msg_id", im.MsgID)
		return false
	}
	if err := t.spool.Put(im); err != nil {
		t.log.ErrorContext(ctx, "the local spool cannot take the message: it is not taken", "msg_id", im.MsgID,
			"spooled", t.spool.Len(), "err", err)
		return false
	}
	t.log.WarnContext(ctx, "message kept in the local spool until the store is back", "msg_id", im.MsgID, "spooled", t.spool.Len())
	select {
	case t.drainKick <- struct{}{}:
	default:
	}
	return true
}

// drainLoop records what the spool holds whenever the store takes it
// again: at once, when kicked, and every SpoolRetry.
func (t *Transport) drainLoop(ctx context.Context) {
	if t.spool == nil {
		return
	}
	for {
		t.drain(ctx)
		timer := time.NewTimer(t.cfg.SpoolRetry)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-t.drainKick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// drain records spooled messages oldest first, forgetting each once the
// inbox has it, and stops at the first failure (the store is still out).
func (t *Transport) drain(ctx context.Context) {
	waiting := t.spool.Waiting()
	for i, im := range waiting {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := t.inbox.Record(actx, im)
		cancel()
		if err != nil {
			if !t.drainFailing.Swap(true) {
				t.log.ErrorContext(ctx, "the store still cannot record spooled messages", "spooled", len(waiting)-i, "err", err)
			}
			return
		}
		if err := t.spool.Done(im.MsgID); err != nil {
			t.log.ErrorContext(ctx, "removing a recorded message from the spool", "msg_id", im.MsgID, "err", err)
		}
		t.recorded(im.MsgID)
	}
	if len(waiting) > 0 {
		t.drainFailing.Store(false)
		t.log.InfoContext(ctx, "spooled messages recorded", "count", len(waiting))
	}
}

// notTaken tells the sender on the session webhook, which needs no store,
// that the message was not taken and should be sent again.
func (t *Transport) notTaken(ctx context.Context, in inbound) {
	m := in.Message
	if in.Webhook == "" || (!in.WebhookExpires.IsZero() && !t.now().Before(in.WebhookExpires)) {
		t.log.ErrorContext(ctx, "a message was not taken and the sender cannot be told", "msg_id", m.ID, "chat", m.ChatID)
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := t.api.ReplyBySession(rctx, in.Webhook, t.bot.T(t.bot.ChatLang(m.ChatID), "stream.not_taken")); err != nil {
		t.apiError(ctx, "telling the sender a message was not taken", err, "msg_id", m.ID)
	}
}

// storeTrouble reports whether a click that came back as an error met a
// store that is down or stalled: the click's budget ran out, or a ping does
// not answer at once.
func (t *Transport) storeTrouble(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 300*time.Millisecond)
	defer cancel()
	return t.cfg.Store.Ping(pctx) != nil
}

// spoolClick keeps a click the store could not take, to run once it is
// back, and words the private answer: kept, or not taken (click again).
func (t *Transport) spoolClick(ctx context.Context, lang string, m bot.Message, c bot.Command) string {
	body, err := json.Marshal(inbound{Message: m, Command: &c})
	if err == nil && t.keep(ctx, store.InboundMessage{MsgID: m.ID, ReceivedAt: t.now(), ChatID: m.ChatID,
		Sender: m.StaffID, Body: string(body)}) {
		return t.bot.T(lang, "stream.click_kept")
	}
	return t.bot.T(lang, "stream.click_not_taken")
}

// replayClick runs a spooled click now that the store has it; the clicker
// learns the outcome 1:1, as the card's private answer is long gone. A
// decision updates the card through the notifier, as a click's would.
func (t *Transport) replayClick(ctx context.Context, in inbound) {
	resp := t.bot.Run(ctx, in.Message, in.Command)
	if resp.Text != "" && in.Message.StaffID != "" {
		t.direct(ctx, []string{in.Message.StaffID}, resp.Text)
	}
}
