package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// flow is an engine on a real SQLite store whose ports are wrapped by the
// metrics decorators: app web, alice requests, bob and carol approve.
type flow struct {
	t     *testing.T
	ctx   context.Context
	m     *Metrics
	s     *store.Store
	eng   *core.Engine
	dep   *coretest.Deployer
	clock *coretest.Clock
}

func newFlow(t *testing.T) *flow {
	clock := coretest.NewClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	m := New(Config{Version: "test"})
	dep := coretest.NewDeployer()
	app := &core.App{Name: "web", Target: core.TargetOSS, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"},
		Policy: core.DefaultPolicy()}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{app}, Releases: m.Releases(s), Locks: m.Locks(s), Audit: s,
		Deployers: map[string]core.Deployer{"web": dep}, Notifier: m.Notifier(coretest.NewNotifier()), Clock: clock})
	require.NoError(t, err)
	return &flow{t: t, ctx: context.Background(), m: m, s: s, eng: eng, dep: dep, clock: clock}
}

func (f *flow) record(n int) {
	for i := 1; i <= n; i++ {
		a := core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("web/manifest.%d.json", i)}
		f.dep.Add(a.Ref)
		_, created, err := f.eng.Record(f.ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web", Artifact: a})
		require.NoError(f.t, err)
		require.True(f.t, created)
		f.dep.SetLive(a)
	}
}

func (f *flow) rollback(version int) core.ReleaseID {
	p, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: core.Actor{StaffID: "alice", Origin: core.OriginText},
		App: "web", Version: version, Reason: "broken"})
	require.NoError(f.t, err)
	return p.Release.ID
}

func TestReleasesAreCountedAndTimedThroughTheDecorators(t *testing.T) {
	f := newFlow(t)
	f.record(2)
	id := f.rollback(1)
	f.clock.Advance(3 * time.Second)
	_, err := f.eng.Approve(f.ctx, core.Actor{StaffID: "bob", Origin: core.OriginCard}, id, "")
	require.NoError(t, err)

	// Another release holding web's run lock makes the claim wait.
	_, err = f.s.DB().ExecContext(f.ctx, `INSERT INTO locks (app, slot, kind, holder, release_id, since, lease_until)
		VALUES ('web', 'run', 'run', 'other-worker', 999, 0, ?)`, f.clock.Now().Add(time.Hour).UnixMilli())
	require.NoError(t, err)
	w := f.eng.NewWorker(core.WorkerConfig{ID: "w1", Lease: 10 * time.Second, Poll: time.Hour})
	require.NoError(t, w.Execute(f.ctx, id))
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.lockWaits.WithLabelValues("web")))
	_, err = f.s.DB().ExecContext(f.ctx, `DELETE FROM locks WHERE release_id = 999`)
	require.NoError(t, err)
	f.clock.Advance(2 * time.Second)
	require.NoError(t, w.Execute(f.ctx, id))

	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, core.StatusSucceeded, r.Status, r.Error)
	assert.Equal(t, 2.0, testutil.ToFloat64(f.m.releases.WithLabelValues("web", "release", "recorded")))
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.releases.WithLabelValues("web", "rollback", "succeeded")))
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.approvals.WithLabelValues("approve")))
	assert.Equal(t, 1, testutil.CollectAndCount(f.m.approvalToLive, Namespace+"_approval_to_live_seconds"))
	assert.Equal(t, 1, testutil.CollectAndCount(f.m.rollout, Namespace+"_rollout_duration_seconds"))

	rej := f.rollback(2)
	_, err = f.eng.Reject(f.ctx, core.Actor{StaffID: "carol", Origin: core.OriginCard}, rej, "no")
	require.NoError(t, err)
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.approvals.WithLabelValues("reject")))
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.releases.WithLabelValues("web", "rollback", "rejected")))
}

func TestApprovalToLiveIsMeasuredFromTheDecision(t *testing.T) {
	m := New(Config{})
	decided := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	r := core.Release{ID: 7, App: "web", Kind: core.KindRollback, DecidedAt: decided}
	m.observeEvent(core.Event{Release: r, Step: core.StepDeploying, At: decided.Add(2 * time.Second)})
	r.FinishedAt = decided.Add(7 * time.Second)
	m.observeEvent(core.Event{Release: r, Step: core.StepSucceeded, At: r.FinishedAt})
	sum := func(name string) float64 {
		mfs, err := m.reg.Gather()
		require.NoError(t, err)
		for _, mf := range mfs {
			if mf.GetName() == name {
				return mf.GetMetric()[0].GetHistogram().GetSampleSum()
			}
		}
		t.Fatalf("%s not gathered", name)
		return 0
	}
	assert.Equal(t, 7.0, sum(Namespace+"_approval_to_live_seconds"))
	assert.Equal(t, 5.0, sum(Namespace+"_rollout_duration_seconds"), "rollout runs from deploying to the end")
	assert.Empty(t, m.deploying, "a finished release forgets its deploy start")
}

type fakeTransport struct {
	n  atomic.Int64
	up atomic.Bool
}

func (f *fakeTransport) Reconnects() int64 { return f.n.Load() }
func (f *fakeTransport) Connected() bool   { return f.up.Load() }

func TestStreamReconnectsAddOwnAndWatchedCounts(t *testing.T) {
	m := New(Config{})
	m.StreamReconnected()
	tr := &fakeTransport{}
	tr.n.Store(4)
	tr.up.Store(true)
	m.WatchStream(tr)
	body := scrape(t, m)
	assert.Contains(t, body, "dingops_stream_reconnects_total 5\n")
	assert.Contains(t, body, "dingops_stream_connected 1\n")
}

// TestEveryFamilyIsExposedAfterAFlow is the /metrics contract: after a
// release flow and one call of each observer, every family the docs list
// is on the page.
func TestEveryFamilyIsExposedAfterAFlow(t *testing.T) {
	f := newFlow(t)
	f.record(2)
	id := f.rollback(1)
	_, err := f.eng.Approve(f.ctx, core.Actor{StaffID: "bob"}, id, "")
	require.NoError(t, err)
	require.NoError(t, f.eng.NewWorker(core.WorkerConfig{ID: "w"}).Execute(f.ctx, id))
	f.m.LockWaited("web")
	f.m.CommandHandled("rollback", OutcomeOK)
	f.m.OpenAPICall("card.UpdateCard", 120*time.Millisecond, nil)
	f.m.OpenAPICall("robot.OrgGroupSend", time.Second, errors.New("throttled"))
	f.m.AnnouncementSent("window_open", nil)
	f.m.StreamReconnected()
	body := scrape(t, f.m)
	for _, family := range Families() {
		assert.Contains(t, body, "# TYPE "+family+" ", family)
	}
	assert.Contains(t, body, `dingops_build_info{version="test"} 1`)
	assert.Contains(t, body, `dingops_openapi_errors_total{api="robot.OrgGroupSend"} 1`)
}

func TestRuntimeCollectorsAreOptIn(t *testing.T) {
	assert.Contains(t, scrape(t, New(Config{Runtime: true})), "go_goroutines")
	assert.NotContains(t, scrape(t, New(Config{})), "go_goroutines")
}

func scrape(t *testing.T, m *Metrics) string {
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return string(b)
}
