package alerts_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/alerts"
	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/bot/stream"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

const (
	wait     = 20 * time.Second
	template = "00000000-0000-0000-0000-000000000001.schema"
	token    = "tok-alerts-e2e"
)

// world is one DingTalk (the emulator), one database and web's target,
// shared by the replicas a test starts. web is in cid-web; alice releases,
// bob and carol approve; web watches 30 minutes after a release.
type world struct {
	t      testing.TB
	emu    *dingtalkemu.Server
	dsn    string
	dep    *coretest.Deployer
	policy core.AlertPolicy
	seeded bool
	// noFreeze and noApproval, for benchmarks: no freeze after a rollback,
	// and rollbacks need no approval.
	noFreeze, noApproval bool
}

func newWorld(t testing.TB, b storetest.Backend, pol core.AlertPolicy) *world {
	w := &world{t: t, dsn: b.DSN(t), dep: coretest.NewDeployer(), policy: pol}
	w.emu = dingtalkemu.New(dingtalkemu.Options{Templates: []string{template}})
	require.NoError(t, w.emu.Start())
	t.Cleanup(w.emu.Close)
	return w
}

func (w *world) app() *core.App {
	pol := core.DefaultPolicy()
	pol.LockAfterRollback = !w.noFreeze
	if w.noApproval {
		pol.Rollback.Approvals = 0
	}
	return &core.App{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, ReleaseTeams: []string{"frontend"},
		ApproverTeams: []string{"sre"}, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"},
		Policy: pol, Alerts: core.AlertSettings{Watch: 30 * time.Minute, Policy: w.policy, Tell: []string{"carol"}}}
}

// replica is one dingops process: store handle, engine, worker, bot,
// stream connection, alerts service and web listener, wired the way
// docs/alerts.md tells the assembly to.
type replica struct {
	store  *store.Store
	eng    *core.Engine
	tr     *stream.Transport
	url    string
	reg    *metrics.Metrics
	cancel func()
}

func (w *world) start(name string) *replica {
	t := w.t
	s := storetest.Open(t, w.dsn, nil)
	eng, err := core.NewEngine(core.Config{Apps: []*core.App{w.app()}, Releases: s, Locks: s, Audit: s, Alerts: s,
		Deployers: map[string]core.Deployer{"web": w.dep}, Clock: core.WallClock{}})
	require.NoError(t, err)
	b, err := bot.New(bot.Config{Engine: eng, Alerts: eng, Clock: core.WallClock{}})
	require.NoError(t, err)
	api, err := dingtalk.New(w.emu.ClientConfig())
	require.NoError(t, err)
	tr, err := stream.New(stream.Config{Bot: b, API: api, Releases: eng, Store: s, CardTemplateID: template, ReplicaID: name, Handlers: 4,
		Poll: 50 * time.Millisecond, ReconnectMin: 50 * time.Millisecond, ReconnectMax: 200 * time.Millisecond,
		Rescan: time.Hour, CallbackSettle: 100 * time.Millisecond, RetryDelay: 50 * time.Millisecond})
	require.NoError(t, err)
	eng.SetNotifier(tr.Notifier())
	wk := eng.NewWorker(core.WorkerConfig{ID: name, Poll: 100 * time.Millisecond, Lease: 5 * time.Second})
	eng.SetWake(wk.Wake)
	m := metrics.New(metrics.Config{})
	svc, err := alerts.New(alerts.Config{Engine: eng, Bot: b, Sink: tr, Observer: metrics.NewAlertMetrics(m)})
	require.NoError(t, err)
	ws, err := web.New(web.Config{Addr: "127.0.0.1:0", Token: token, Engine: eng, Records: s, Texts: b, Alerts: svc})
	require.NoError(t, err)
	hs := httptest.NewServer(ws.Handler())
	t.Cleanup(hs.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = tr.Run(ctx); done <- struct{}{} }()
	go func() { _ = wk.Run(ctx); done <- struct{}{} }()
	r := &replica{store: s, eng: eng, tr: tr, url: hs.URL, reg: m, cancel: func() { cancel(); <-done; <-done; tr.Close() }}
	t.Cleanup(r.cancel)
	require.Eventually(t, tr.Connected, wait, 5*time.Millisecond, "replica %s connects", name)
	if !w.seeded {
		w.seeded = true
		for i := 1; i <= 3; i++ {
			w.release(eng, i)
		}
	}
	return r
}

// release records web vN made live elsewhere (CI/CD), as `dingops record` does.
func (w *world) release(eng *core.Engine, n int) {
	a := core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("web/manifest.%d.json", n), Display: fmt.Sprintf("web-h%d", n)}
	w.dep.Add(a.Ref)
	_, _, err := eng.Record(context.Background(), core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web",
		Artifact: a, By: "alice"})
	require.NoError(w.t, err)
	w.dep.SetLive(a)
}

// amBody is an Alertmanager webhook v4 body with one alert for web.
func amBody(status, fingerprint string, at time.Time) string {
	return fmt.Sprintf(`{"receiver":"dingops","status":%q,"alerts":[{"status":%q,"labels":{"alertname":"HighErrorRate",`+
		`"severity":"critical","dingops_app":"web","job":"web"},"annotations":{"summary":"5xx above 5%%"},"startsAt":%q,`+
		`"endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph?g0.expr=rate","fingerprint":%q}],`+
		`"groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{"alertname":"HighErrorRate"},"commonAnnotations":{},`+
		`"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\"HighErrorRate\"}","truncatedAlerts":0}`,
		status, status, at.UTC().Format(time.RFC3339Nano), fingerprint)
}

// post sends an Alertmanager body to the replica and wants a 200.
func (r *replica) post(t testing.TB, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.url+"/api/v1/alerts/alertmanager", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// cardsOfKind lists the emulator's cards whose kind variable is kind.
func (w *world) cardsOfKind(kind string) []dingtalkemu.Card {
	var out []dingtalkemu.Card
	for _, c := range w.emu.Cards() {
		if c.Data["kind"] == kind {
			out = append(out, c)
		}
	}
	return out
}

// waitCards waits for n cards of kind and returns them.
func (w *world) waitCards(kind string, n int) []dingtalkemu.Card {
	w.t.Helper()
	require.NoError(w.t, w.emu.WaitFor(wait, func() bool { return len(w.cardsOfKind(kind)) >= n }), "%d %s card(s)", n, kind)
	return w.cardsOfKind(kind)
}

func (w *world) click(c dingtalkemu.Card, who string) dingtalkemu.ClickResult {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	res, err := w.emu.ClickCard(ctx, dingtalkemu.Click{OutTrackID: c.OutTrackID, UserID: who,
		Params: map[string]any{"action": "rollback", "suggestion_id": c.Data["suggestion_id"]}})
	require.NoError(w.t, err)
	return res
}
