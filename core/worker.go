package core

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// WorkerConfig tunes a worker.
type WorkerConfig struct {
	ID          string        // unique per process; the run-lock holder
	Lease       time.Duration // run-lock lease, renewed at a third of it
	Poll        time.Duration // fallback scan interval when no wake arrives
	Concurrency int           // releases worked on at once (different apps)
	Replicas    Replicas      // optional: heartbeat so `dingops chat` sees a live serve
	// Hook, for crash tests only, is called at each step boundary; an error
	// makes the worker drop the release there as if the process died.
	Hook func(id ReleaseID, at Step) error
}

// ErrAbandoned is returned when a Hook made the worker drop a release.
var ErrAbandoned = errors.New("worker abandoned the release (test hook)")

// Worker claims approved releases and carries them out. Any number of
// workers, in any number of processes, may run against one store: claims
// are compare-and-set and the app's run lock is a renewed lease, so a dead
// worker's release is resumed by another once its lease lapses.
type Worker struct {
	e       *Engine
	cfg     WorkerConfig
	wake    chan ReleaseID
	sem     chan struct{}
	mu      sync.Mutex
	running map[ReleaseID]bool
	wg      sync.WaitGroup
	unknown unknownRechecks // worker_unknown.go
}

// NewWorker builds a worker for the engine.
func (e *Engine) NewWorker(cfg WorkerConfig) *Worker {
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	return &Worker{e: e, cfg: cfg, wake: make(chan ReleaseID, 64), sem: make(chan struct{}, cfg.Concurrency),
		running: map[ReleaseID]bool{}}
}

// Wake asks the worker to start on release id now; it never blocks (when
// many wake-ups queue, the poll finds the rest).
func (w *Worker) Wake(id ReleaseID) {
	select {
	case w.wake <- id:
	default:
	}
}

// Run works until ctx ends, then stops claiming and waits for the releases
// in flight to finish (they run on a context that outlives ctx, so SIGTERM
// drains rather than abandons them).
func (w *Worker) Run(ctx context.Context) error {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	work := context.WithoutCancel(ctx)
	w.beat(ctx)
	w.e.resumeVisible(work, w.cfg.ID, w.alive)
	for {
		w.beat(ctx)
		if err := w.scan(work); err != nil {
			w.e.log.ErrorContext(ctx, "scanning for work", "worker", w.cfg.ID, "err", err)
		}
		if _, err := w.e.ExpireDue(work); err != nil {
			w.e.log.ErrorContext(ctx, "expiring requests", "err", err)
		}
		w.recheckUnknown(ctx)
		if !w.idle(ctx, work, tick.C) {
			w.wg.Wait()
			w.leave(work)
			return nil
		}
	}
}

// idle starts woken releases until the next poll tick (true) or until ctx
// ends (false).
func (w *Worker) idle(ctx, work context.Context, tick <-chan time.Time) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case id := <-w.wake:
			w.launch(work, id)
		case <-tick:
			return true
		}
	}
}

// alive lists the workers that beat within the last few polls; nil
// without Replicas (one process: every other owner is gone).
func (w *Worker) alive() ([]string, error) {
	if w.cfg.Replicas == nil {
		return nil, nil
	}
	return w.cfg.Replicas.Alive(context.Background(), w.e.Now().Add(-3*w.cfg.Poll))
}

func (w *Worker) beat(ctx context.Context) {
	if w.cfg.Replicas == nil {
		return
	}
	if err := w.cfg.Replicas.Beat(ctx, w.cfg.ID, w.e.Now()); err != nil && ctx.Err() == nil {
		// A beat cut short by shutdown is not a fault: the worker is stopping.
		w.e.log.ErrorContext(ctx, "recording heartbeat", "worker", w.cfg.ID, "err", err)
	}
}

// leave clears the heartbeat after a clean stop (the work in flight is
// done), so `dingops chat` does not wait for a replica that is gone.
func (w *Worker) leave(ctx context.Context) {
	if w.cfg.Replicas == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := w.cfg.Replicas.Leave(ctx, w.cfg.ID); err != nil {
		w.e.log.WarnContext(ctx, "clearing heartbeat", "worker", w.cfg.ID, "err", err)
	}
}

// scan starts work on approved releases and on in-flight ones whose worker
// is gone.
func (w *Worker) scan(ctx context.Context) error {
	rs, err := w.e.cfg.Releases.Find(ctx, ReleaseFilter{Statuses: append([]Status{StatusApproved}, InFlightStatuses...), Limit: 100})
	if err != nil {
		return fmt.Errorf("finding claimable releases: %w", err)
	}
	for _, r := range rs {
		w.launch(ctx, r.ID)
	}
	return nil
}

// launch works on release id in its own goroutine, unless this worker
// already does or is at its concurrency limit (the poll retries then).
func (w *Worker) launch(ctx context.Context, id ReleaseID) {
	if !w.start(id) {
		return
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer w.done(id)
		if err := w.Execute(ctx, id); err != nil && !errors.Is(err, ErrAbandoned) {
			w.e.log.ErrorContext(ctx, "executing release", "release", int64(id), "err", err)
		}
	}()
}

func (w *Worker) start(id ReleaseID) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running[id] {
		return false
	}
	select {
	case w.sem <- struct{}{}:
	default:
		return false
	}
	w.running[id] = true
	return true
}

func (w *Worker) done(id ReleaseID) {
	w.mu.Lock()
	delete(w.running, id)
	w.mu.Unlock()
	<-w.sem
}

// Execute claims release id and carries it out to its end. It returns nil
// when another worker holds it or it is not claimable.
func (w *Worker) Execute(ctx context.Context, id ReleaseID) error {
	c, err := w.e.cfg.Locks.Claim(ctx, id, w.cfg.ID, w.e.Now(), w.cfg.Lease)
	if errors.Is(err, ErrStale) || errors.Is(err, ErrLocked) || errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("claiming %s: %w", id, err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := w.keepLease(ctx, cancel, c.Release.App)
	defer stop()
	return w.carryOut(ctx, c)
}

var errLeaseLost = errors.New("run lock lease lost to another worker")

// errLeaseUnconfirmed fences a worker that cannot reach the store: it
// stops its work before its lease can lapse, so a worker that takes the
// release over never runs alongside it.
var errLeaseUnconfirmed = fmt.Errorf("%w: not renewed in time", errLeaseLost)

// keepLease renews the run lock at a third of the lease and cancels the
// work if it is lost, or if two thirds of the lease pass since the last
// renewal the store confirmed: the lease runs out at the last renewal plus
// the lease, so the work is stopped (a script killed, a copy abandoned) a
// third of the lease before another worker may claim the release. This
// holds as long as the replicas' clocks agree to within that third.
func (w *Worker) keepLease(ctx context.Context, cancel context.CancelCauseFunc, app string) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(w.cfg.Lease / 3)
		defer t.Stop()
		fence := time.Now().Add(w.cfg.Lease * 2 / 3)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if why := w.renew(ctx, app, &fence); why != nil {
				cancel(why)
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// renew renews the run lock once, waiting no longer than the fence; it
// moves the fence on success and returns why the work must stop, if it must.
func (w *Worker) renew(ctx context.Context, app string, fence *time.Time) error {
	start := time.Now()
	rctx, stop := context.WithDeadline(ctx, *fence)
	err := w.e.cfg.Locks.Renew(rctx, app, w.cfg.ID, w.e.Now(), w.cfg.Lease)
	stop()
	switch {
	case errors.Is(err, ErrStale):
		return errLeaseLost
	case err == nil:
		*fence = start.Add(w.cfg.Lease * 2 / 3)
	case ctx.Err() == nil:
		w.e.log.ErrorContext(ctx, "renewing run lock", "app", app, "err", err)
	}
	if !time.Now().Before(*fence) {
		return errLeaseUnconfirmed
	}
	return nil
}

func (w *Worker) hook(id ReleaseID, at Step) error {
	if w.cfg.Hook == nil {
		return nil
	}
	if err := w.cfg.Hook(id, at); err != nil {
		return fmt.Errorf("%w at %s: %v", ErrAbandoned, at, err)
	}
	return nil
}
