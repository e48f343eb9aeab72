package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/dingops/dingops/core"
)

// Notifier wraps the engine's notifier: every event passes on to next
// unchanged, and the ends of releases are counted and timed. bot/system wraps
// whatever notifier it sets on the engine (core.Engine.SetNotifier).
func (m *Metrics) Notifier(next core.Notifier) core.Notifier {
	if next == nil {
		next = core.NopNotifier{}
	}
	return &notifier{m: m, next: next}
}

type notifier struct {
	m    *Metrics
	next core.Notifier
}

func (n *notifier) Notify(ctx context.Context, ev core.Event) {
	n.m.observeEvent(ev)
	n.next.Notify(ctx, ev)
}

// maxDeploying bounds the deploy start times kept for releases whose end
// this process never sees (another replica took the work over).
const maxDeploying = 1000

func (m *Metrics) observeEvent(ev core.Event) {
	r := ev.Release
	id := int64(r.ID)
	switch ev.Step {
	case core.StepDeploying:
		m.mu.Lock()
		if _, seen := m.deploying[id]; !seen {
			if len(m.deploying) >= maxDeploying {
				clear(m.deploying)
			}
			m.deploying[id] = ev.At
		}
		m.mu.Unlock()
		return
	case core.StepSucceeded, core.StepFailed, core.StepCancelled, core.StepRejected, core.StepExpired:
	default:
		return
	}
	end := r.FinishedAt
	if end.IsZero() {
		end = ev.At
	}
	m.releases.WithLabelValues(r.App, string(r.Kind), string(ev.Step)).Inc()
	if ev.Step == core.StepSucceeded && !r.DecidedAt.IsZero() && !end.Before(r.DecidedAt) {
		m.approvalToLive.WithLabelValues(r.App, string(r.Kind)).Observe(end.Sub(r.DecidedAt).Seconds())
	}
	m.mu.Lock()
	start, ok := m.deploying[id]
	delete(m.deploying, id)
	m.mu.Unlock()
	// A deploy resumed here after another replica died has no start seen
	// here; it is counted above but not timed.
	if ok && (ev.Step == core.StepSucceeded || ev.Step == core.StepFailed) && !end.Before(start) {
		m.rollout.WithLabelValues(r.App, string(r.Kind), string(ev.Step)).Observe(end.Sub(start).Seconds())
	}
}

// Locks wraps the engine's lock store and counts claims that had to wait
// for another release's run lock.
func (m *Metrics) Locks(next core.LockStore) core.LockStore { return &lockStore{LockStore: next, m: m} }

type lockStore struct {
	core.LockStore
	m *Metrics
}

func (l *lockStore) Claim(ctx context.Context, id core.ReleaseID, worker string, now time.Time,
	lease time.Duration) (core.Claimed, error) {
	c, err := l.LockStore.Claim(ctx, id, worker, now, lease)
	if errors.Is(err, core.ErrLocked) {
		app := c.Lock.App
		if app == "" {
			app = c.Release.App
		}
		l.m.LockWaited(app)
	}
	return c, err
}

// Releases wraps the engine's release store: it counts approval decisions
// as the store records them, and releases recorded from elsewhere
// (`dingops record`, the release-record API) as releases_total with outcome
// "recorded". Counting at the store, where each decision is one
// transaction, keeps the count right whoever appends the audit event.
func (m *Metrics) Releases(next core.ReleaseStore) core.ReleaseStore {
	rs := &releaseStore{ReleaseStore: next, m: m}
	if rr, ok := next.(core.RequestRecorder); ok { // keep the one-transaction request
		return &requestRecorder{releaseStore: rs, rr: rr}
	}
	return rs
}

// requestRecorder passes CreateRequest through: requests are never created
// succeeded, so there is nothing to count.
type requestRecorder struct {
	*releaseStore
	rr core.RequestRecorder
}

func (s *requestRecorder) CreateRequest(ctx context.Context, r core.Release, audit func(core.Release) []core.AuditEvent) (core.Release, error) {
	return s.rr.CreateRequest(ctx, r, audit)
}

type releaseStore struct {
	core.ReleaseStore
	m *Metrics
}

func (s *releaseStore) Decide(ctx context.Context, a core.Approval, needed int) (core.Release, error) {
	r, err := s.ReleaseStore.Decide(ctx, a, needed)
	if err == nil {
		s.m.approvals.WithLabelValues(string(a.Decision)).Inc()
	}
	return r, err
}

func (s *releaseStore) CreateRelease(ctx context.Context, r core.Release) (core.Release, error) {
	out, err := s.ReleaseStore.CreateRelease(ctx, r)
	// Only a recorded release is created already succeeded; requests start
	// pending or approved and are counted when they end.
	if err == nil && r.Status == core.StatusSucceeded {
		s.m.releases.WithLabelValues(out.App, string(out.Kind), "recorded").Inc()
	}
	return out, err
}
