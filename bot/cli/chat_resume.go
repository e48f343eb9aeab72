package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/core"
)

// serveAlive lists the serve replicas whose heartbeat is recent: a replica
// beats every poll, and one that stops cleanly clears its beat.
func serveAlive(ctx context.Context, sys *system.System) ([]string, error) {
	return sys.Store.Alive(ctx, time.Now().Add(-3*sys.Config.Worker.Poll.Std()-2*time.Second))
}

// resumeOrphans carries to their end, in this process, the releases a
// stopped process left approved or in flight (a `dingops chat` killed
// mid-deploy), when no serve is running to do it. A release whose run lock
// is still leased is left alone with a line saying when it can be resumed.
// It returns a non-zero exit code only when the store cannot be read.
func resumeOrphans(ctx context.Context, env Env, sys *system.System, p *printer, wait time.Duration) int {
	alive, err := serveAlive(ctx, sys)
	if err != nil || len(alive) > 0 {
		return failIf(env, err)
	}
	rs, err := sys.Store.Find(ctx, core.ReleaseFilter{Statuses: append([]core.Status{core.StatusApproved}, core.InFlightStatuses...), Limit: 100})
	if err != nil {
		return failIf(env, err)
	}
	for _, r := range rs {
		held, err := runLock(ctx, sys, r)
		if err != nil {
			return failIf(env, err)
		}
		if held != nil {
			fmt.Fprintln(env.Stdout, sys.Bot.T(p.lang, "progress.held", "release", r.Label(), "status", r.Status,
				"holder", held.Holder, "until", held.LeaseUntil.Local().Format("15:04:05")))
			continue
		}
		fmt.Fprintln(env.Stdout, sys.Bot.T(p.lang, "progress.resume", "release", r.Label(), "status", r.Status))
		rctx, cancel := context.WithTimeout(ctx, wait)
		carry(rctx, env, sys, p, r.ID)
		cancel()
	}
	return 0
}

// runLock is the live run lock on r, or nil when nobody holds it.
func runLock(ctx context.Context, sys *system.System, r core.Release) (*core.Lock, error) {
	locks, err := sys.Store.Locks(ctx, r.App)
	if err != nil {
		return nil, err
	}
	for _, l := range locks {
		if l.Kind == core.LockRun && l.ReleaseID == r.ID && !l.Expired(time.Now()) {
			return &l, nil
		}
	}
	return nil, nil
}

func failIf(env Env, err error) int {
	if err == nil {
		return 0
	}
	return fail(env, "chat", err)
}

// carry sees release id to its end: while a serve runs, it watches; when
// none does, it executes the release here. A release another process
// holds is watched until it ends, or taken over once that process's lease
// lapses (it died), so nothing waits for a process that is gone.
func carry(ctx context.Context, env Env, sys *system.System, p *printer, id core.ReleaseID) int {
	worker := chatWorker(sys)
	said, last := "", core.Status("")
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for {
		alive, err := serveAlive(ctx, sys)
		if err == nil && len(alive) == 0 {
			say(env, sys, p, &said, "progress.inprocess")
			err = worker.Execute(ctx, id)
		} else if err == nil {
			say(env, sys, p, &said, "progress.follow", "workers", alive)
		}
		if err != nil && ctx.Err() == nil {
			return fail(env, "chat", err)
		}
		r, err := sys.Engine.Release(context.WithoutCancel(ctx), id)
		if err != nil {
			return fail(env, "chat", err)
		}
		if r.Status.Final() {
			return outcome(ctx, env, sys, p, id)
		}
		if r.Status != last {
			p.Notify(ctx, core.Event{Release: r, Step: core.Step(r.Status)})
			last = r.Status
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(env.Stdout, sys.Bot.T(p.lang, "progress.timeout", "release", r.Label(), "status", r.Status))
			return 1
		case <-t.C:
		}
	}
}

// say prints the line of key once, until another key is said.
func say(env Env, sys *system.System, p *printer, said *string, key string, kv ...any) {
	if *said == key {
		return
	}
	*said = key
	fmt.Fprintln(env.Stdout, sys.Bot.T(p.lang, key, kv...))
}

func chatWorker(sys *system.System) *core.Worker {
	host, _ := os.Hostname()
	w := sys.Config.Worker
	return sys.Engine.NewWorker(core.WorkerConfig{ID: fmt.Sprintf("chat-%s-%d", host, os.Getpid()),
		Lease: w.Lease.Std(), Poll: w.Poll.Std()})
}
