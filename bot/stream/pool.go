package stream

import (
	"context"
	"encoding/json"
	"runtime/debug"
	"sync"
	"time"
)

// startPool starts Handlers workers on the queue; the returned function
// stops them once the message each has in hand is finished. Messages still
// queued then stay pending in the store for the next scan (here or on
// another replica).
func (t *Transport) startPool(ctx context.Context, wg *sync.WaitGroup) func() {
	quit := make(chan struct{})
	for range t.cfg.Handlers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.work(ctx, quit)
		}()
	}
	return func() { close(quit) }
}

// work handles queued messages until quit; quit wins over a waiting
// message, so a stopping transport takes no new work.
func (t *Transport) work(ctx context.Context, quit <-chan struct{}) {
	for {
		select {
		case <-quit:
			return
		default:
		}
		select {
		case <-quit:
			return
		case id := <-t.queue:
			t.process(ctx, id)
			t.unqueue(id)
		}
	}
}

// enqueue hands a message to the pool without blocking the SDK: when the
// queue is full the message waits in the store and a scan is asked for.
func (t *Transport) enqueue(id string) {
	if !t.mark(id) {
		return
	}
	select {
	case t.queue <- id:
	default:
		t.unqueue(id)
		t.rescanNow()
	}
}

// mark notes id as queued; false if it is already, so scans do not queue
// a message twice.
func (t *Transport) mark(id string) bool {
	t.qmu.Lock()
	defer t.qmu.Unlock()
	if t.queued[id] {
		return false
	}
	t.queued[id] = true
	return true
}

func (t *Transport) unqueue(id string) {
	t.qmu.Lock()
	delete(t.queued, id)
	t.qmu.Unlock()
}

func (t *Transport) rescanNow() {
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// rescanLoop queues unfinished messages every Rescan (what a dead replica
// left, once its claims lapse) and when the queue overflowed. Run scans
// once itself before connecting, for what a crashed process left.
func (t *Transport) rescanLoop(ctx context.Context) {
	for {
		timer := time.NewTimer(t.cfg.Rescan)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-t.kick:
		case <-timer.C:
		}
		timer.Stop()
		t.scan(ctx)
	}
}

func (t *Transport) scan(ctx context.Context) {
	pending, err := t.inbox.Pending(ctx, t.now(), 500)
	if err != nil {
		t.log.ErrorContext(ctx, "listing unfinished messages", "err", err)
		return
	}
	for _, m := range pending {
		if !t.mark(m.MsgID) {
			continue
		}
		select {
		case t.queue <- m.MsgID:
		case <-ctx.Done():
			t.unqueue(m.MsgID)
			return
		}
	}
}

// process claims one message, runs it through the bot, sends the response
// and marks it done. A message another replica holds, or one already done,
// is left alone.
func (t *Transport) process(ctx context.Context, id string) {
	rec, ok, err := t.inbox.Claim(ctx, id, t.cfg.ReplicaID, t.now(), t.cfg.Lease)
	if err != nil {
		t.log.ErrorContext(ctx, "claiming message", "msg_id", id, "err", err)
		return
	}
	if !ok {
		return
	}
	defer func() {
		// A message that breaks the bot must not come back at every start.
		if p := recover(); p != nil {
			t.log.ErrorContext(ctx, "handling message panicked", "msg_id", id, "panic", p, "stack", string(debug.Stack()))
		}
		if err := t.inbox.Done(ctx, id, t.now()); err != nil {
			t.log.ErrorContext(ctx, "marking message done", "msg_id", id, "err", err)
		}
	}()
	var in inbound
	if err := json.Unmarshal([]byte(rec.Body), &in); err != nil {
		t.log.ErrorContext(ctx, "dropping a recorded message that does not decode", "msg_id", id, "err", err)
		return
	}
	hctx, cancel := context.WithTimeout(ctx, t.cfg.HandleTimeout)
	defer cancel()
	if in.Command != nil {
		t.replayClick(hctx, in)
		return
	}
	t.deliver(hctx, in, t.bot.Handle(hctx, in.Message))
}
