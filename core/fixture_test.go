package core_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// fixture is an engine on a real store with an in-memory target for app
// "web": alice may request, bob and carol approve.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *coretest.Clock
	store *store.Store
	eng   *core.Engine
	dep   *coretest.Deployer
	notes *coretest.Notifier
	app   *core.App
	logs  *lockedBuffer // the engine's log, JSON lines
}

// lockedBuffer is a log sink the worker's goroutines may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	alice = core.Actor{StaffID: "alice", Origin: core.OriginText, ChatID: "cid-ops"}
	bob   = core.Actor{StaffID: "bob", Origin: core.OriginCard}
	carol = core.Actor{StaffID: "carol", Origin: core.OriginText}
	eve   = core.Actor{StaffID: "eve", Origin: core.OriginCard}
)

func newFixture(t *testing.T, s *store.Store, clock *coretest.Clock, tweak ...func(*core.App)) *fixture {
	app := &core.App{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-ops"},
		ReleaseTeams: []string{"frontend"}, ApproverTeams: []string{"sre"},
		Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"}, Policy: core.DefaultPolicy()}
	for _, f := range tweak {
		f(app)
	}
	f := &fixture{t: t, ctx: context.Background(), clock: clock, store: s, app: app,
		dep: coretest.NewDeployer(), notes: coretest.NewNotifier(), logs: &lockedBuffer{}}
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{app}, Releases: s, Locks: s, Audit: s,
		Deployers: map[string]core.Deployer{"web": f.dep}, Notifier: f.notes, Clock: clock,
		Logger: slog.New(slog.NewJSONHandler(f.logs, nil))})
	require.NoError(t, err)
	f.eng = eng
	return f
}

// each runs a scenario on every backend with a fresh store and fixture.
func each(t *testing.T, scenario func(t *testing.T, f *fixture), tweak ...func(*core.App)) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		scenario(t, newFixture(t, s, clock, tweak...))
	})
}

func art(n int) core.Artifact {
	return core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("web/manifest.%d.json", n), Digest: fmt.Sprintf("etag%d", n)}
}

// record adopts n releases v1..vn; vn is live on the target.
func (f *fixture) record(n int) {
	for i := 1; i <= n; i++ {
		a := art(i)
		f.dep.Add(a.Ref)
		_, created, err := f.eng.Record(f.ctx, core.RecordRequest{Actor: alice, App: "web", Artifact: a, Commit: fmt.Sprintf("c%d", i)})
		require.NoError(f.t, err)
		require.True(f.t, created)
		f.dep.SetLive(a)
	}
}

func (f *fixture) worker(id string) *core.Worker {
	return f.eng.NewWorker(core.WorkerConfig{ID: id, Lease: 10 * time.Second, Poll: time.Hour})
}

func (f *fixture) rollback(who core.Actor, version int) (core.Plan, error) {
	return f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: who, App: "web", Version: version, Reason: "broken"})
}

// refusal asserts err is a refusal carrying code.
func refusal(t *testing.T, err error, code core.Code) *core.Refusal {
	t.Helper()
	require.Error(t, err)
	r, ok := err.(*core.Refusal)
	require.True(t, ok, "want a refusal, got %v", err)
	require.True(t, r.Has(code), "want %s, got %s", code, r.Error())
	return r
}
