package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/calendar"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

const token = "tok-3f9a1c77d2e4b8a0"

var shanghai = func() *time.Location { l, _ := time.LoadLocation("Asia/Shanghai"); return l }()

// t0 is Thursday 2026-11-26 10:00 in Shanghai.
var t0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// fixture is the web side over a real engine on SQLite: app web (OSS, a
// target that resolves artifacts; alice
// requests, bob and carol approve) with a release window and a freeze on
// 2026-12-01, and app api (container) without a window or history.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	clock *coretest.Clock
	store *store.Store
	eng   *core.Engine
	deps  map[string]*coretest.Deployer
	bot   *bot.Bot
	cfg   web.Config
	srv   *web.Server
	http  *httptest.Server
	logs  *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newFixture(t *testing.T, tweak ...func(*web.Config)) *fixture {
	logs := &syncBuffer{}
	f := newFixtureLog(t, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), tweak...)
	f.logs = logs
	return f
}

// newFixtureLog is newFixture with every part logging to log.
func newFixtureLog(t *testing.T, log *slog.Logger, tweak ...func(*web.Config)) *fixture {
	f := &fixture{t: t, ctx: context.Background(), clock: coretest.NewClock(t0),
		deps: map[string]*coretest.Deployer{"web": coretest.NewDeployer(), "api": coretest.NewDeployer()}}
	f.store = storetest.Open(t, storetest.SQLiteDSN(t), f.clock)
	apps := []*core.App{
		{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, ReleaseTeams: []string{"frontend"},
			ApproverTeams: []string{"sre"}, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"}, Policy: core.DefaultPolicy()},
		{Name: "api", Target: core.TargetContainer, Releasers: []string{"alice"}, Approvers: []string{"bob"}, Policy: core.DefaultPolicy()},
	}
	ws := windows(t)
	eng, err := core.NewEngine(core.Config{Apps: apps, Releases: f.store, Locks: f.store, Audit: f.store,
		Deployers: map[string]core.Deployer{"web": resolving{f.deps["web"]}, "api": f.deps["api"]}, Clock: f.clock, Logger: log,
		Gate: ws.Gate})
	require.NoError(t, err)
	f.eng = eng
	f.bot, err = bot.New(bot.Config{Engine: eng, Windows: ws, Zone: shanghai, Clock: f.clock, Logger: log})
	require.NoError(t, err)
	f.cfg = web.Config{Addr: "127.0.0.1:0", Token: token, TrustedUserHeader: "X-Forwarded-User", Engine: eng,
		Records: f.store, Windows: ws, Texts: f.bot, Zone: shanghai, Clock: f.clock, Logger: log}
	for _, tw := range tweak {
		tw(&f.cfg)
	}
	f.srv, err = web.New(f.cfg)
	require.NoError(t, err)
	f.http = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.http.Close)
	return f
}

// resolving is a target that completes an artifact from its reference, as
// the OSS target does; a reference the target does not have is refused.
type resolving struct{ *coretest.Deployer }

func (r resolving) Resolve(ctx context.Context, ref string) (core.Artifact, error) {
	if err := r.Check(ctx, core.Artifact{Ref: ref}); err != nil {
		return core.Artifact{}, err
	}
	return core.Artifact{Kind: core.TargetOSS, Ref: ref}, nil
}

func windows(t *testing.T) *core.AppWindows {
	cal, err := calendar.New(calendar.Config{Freezes: []calendar.Freeze{{Name: "年终封版", From: core.Date{Year: 2026, Month: 12, Day: 1}}}},
		calendar.LunarGo{})
	require.NoError(t, err)
	ws, errs := core.NewAppWindows(map[string]core.WindowPolicy{"daytime": {Location: "Asia/Shanghai",
		Periods: []core.Period{{Start: "0 10 * * *", Duration: 8 * time.Hour}}}}, map[string][]string{"daytime": {"web"}}, cal)
	require.Empty(t, errs)
	return ws
}

// call makes a request; hdr is header name, value pairs.
func (f *fixture) call(method, path, body string, hdr ...string) (int, http.Header, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.http.URL+path, strings.NewReader(body))
	require.NoError(f.t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := noRedirect.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp.StatusCode, resp.Header, string(b)
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// post records through the API with the token.
func (f *fixture) post(body string, hdr ...string) (int, string) {
	f.t.Helper()
	h := append([]string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}, hdr...)
	code, _, out := f.call(http.MethodPost, "/api/v1/releases", body, h...)
	return code, out
}

func (f *fixture) get(path string, hdr ...string) (int, string) {
	f.t.Helper()
	code, _, out := f.call(http.MethodGet, path, "", append([]string{"Authorization", "Bearer " + token}, hdr...)...)
	return code, out
}

// seed records v1..v3 of web and runs a rollback to v1 approved by bob,
// leaving web frozen after the rollback.
func (f *fixture) seed() core.ReleaseID {
	for i, ref := range []string{"web/manifest.1.json", "web/manifest.2.json", "web/manifest.3.json"} {
		f.deps["web"].Add(ref)
		code, body := f.post(`{"app":"web","artifact":"` + ref + `","by":"alice","commit":"c0ffee` + string(rune('1'+i)) + `"}`)
		require.Equal(f.t, http.StatusCreated, code, body)
		f.deps["web"].SetLive(core.Artifact{Kind: core.TargetOSS, Ref: ref})
		f.clock.Advance(time.Hour)
	}
	return f.rollback("alice", "bob", 1)
}

// rollback requests a rollback of web to version as who and has approver
// approve it; a worker carries it out.
func (f *fixture) rollback(who, approver string, version int) core.ReleaseID {
	p, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: core.Actor{StaffID: who, Origin: core.OriginText},
		App: "web", Version: version, Reason: "首页白屏"})
	require.NoError(f.t, err)
	f.clock.Advance(time.Minute)
	_, err = f.eng.Approve(f.ctx, core.Actor{StaffID: approver, Origin: core.OriginCard}, p.Release.ID, "")
	require.NoError(f.t, err)
	require.NoError(f.t, f.eng.NewWorker(core.WorkerConfig{ID: "w1", Lease: 10 * time.Second}).Execute(f.ctx, p.Release.ID))
	r, err := f.eng.Release(f.ctx, p.Release.ID)
	require.NoError(f.t, err)
	require.Equal(f.t, core.StatusSucceeded, r.Status, r.Error)
	return r.ID
}
