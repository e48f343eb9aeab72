package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/alerts"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
)

// withAlerts rebuilds the fixture's web side with the alert endpoints, over
// an engine that records alerts and watches web for 30 minutes.
func (f *fixture) withAlerts() *fixture {
	t := f.t
	apps := []*core.App{{Name: "web", Target: core.TargetOSS, Chats: []string{"cid-web"}, ReleaseTeams: []string{"frontend"},
		ApproverTeams: []string{"sre"}, Releasers: []string{"alice"}, Approvers: []string{"bob", "carol"},
		Policy: core.DefaultPolicy(), Alerts: core.AlertSettings{Watch: 30 * time.Minute}},
		{Name: "api", Target: core.TargetContainer, Releasers: []string{"alice"}, Approvers: []string{"bob"}, Policy: core.DefaultPolicy()}}
	eng, err := core.NewEngine(core.Config{Apps: apps, Releases: f.store, Locks: f.store, Audit: f.store, Alerts: f.store,
		Deployers: map[string]core.Deployer{"web": resolving{f.deps["web"]}, "api": f.deps["api"]}, Clock: f.clock})
	require.NoError(t, err)
	b, err := bot.New(bot.Config{Engine: eng, Alerts: eng, Zone: shanghai, Clock: f.clock})
	require.NoError(t, err)
	svc, err := alerts.New(alerts.Config{Engine: eng, Bot: b,
		Kubernetes: []alerts.KubeApp{{App: "api", Namespace: "prod", Deployments: []string{"api"}}}})
	require.NoError(t, err)
	f.eng, f.bot = eng, b
	cfg := f.cfg
	cfg.Engine, cfg.Alerts, cfg.AlertMaxBody = eng, svc, 4096
	f.srv, err = web.New(cfg)
	require.NoError(t, err)
	f.http.Config.Handler = f.srv.Handler()
	for i := 1; i <= 3; i++ {
		ref := fmt.Sprintf("web/manifest.%d.json", i)
		f.deps["web"].Add(ref)
		_, _, err := eng.Record(f.ctx, core.RecordRequest{Actor: core.Actor{StaffID: "ci"}, App: "web",
			Artifact: core.Artifact{Ref: ref}})
		require.NoError(t, err)
		f.deps["web"].SetLive(core.Artifact{Kind: core.TargetOSS, Ref: ref})
	}
	return f
}

func (f *fixture) alert(path, body string, hdr ...string) (int, string) {
	f.t.Helper()
	h := append([]string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}, hdr...)
	code, _, out := f.call(http.MethodPost, path, body, h...)
	return code, out
}

// amBody is an Alertmanager v4 body with one alert whose labels are given.
func amBody(status, labels string, at time.Time) string {
	return fmt.Sprintf(`{"receiver":"dingops","status":%q,"alerts":[{"status":%q,"labels":{"alertname":"HighErrorRate",`+
		`"severity":"critical"%s},"annotations":{"summary":"5xx above 5%%"},"startsAt":%q,"endsAt":"0001-01-01T00:00:00Z",`+
		`"generatorURL":"http://prometheus:9090/graph","fingerprint":"c6eadffa33fcdf37"}],"groupLabels":{"alertname":"HighErrorRate"},`+
		`"commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4",`+
		`"groupKey":"{}:{alertname=\"HighErrorRate\"}","truncatedAlerts":0}`, status, status, labels, at.Format(time.RFC3339Nano))
}

func TestAlertmanagerIntake(t *testing.T) {
	f := newFixture(t).withAlerts()
	at := f.clock.Now().Add(time.Minute)
	code, out := f.alert("/api/v1/alerts/alertmanager", amBody("firing", `,"dingops_app":"web"`, at))
	require.Equal(t, http.StatusOK, code, out)
	res := decode[map[string]any](t, out)
	first := res["alerts"].([]any)[0].(map[string]any)
	assert.Equal(t, "suggested", first["outcome"])
	assert.NotZero(t, first["suggestion_id"])

	code, out = f.alert("/api/v1/alerts/alertmanager", amBody("firing", `,"dingops_app":"web"`, at))
	require.Equal(t, http.StatusOK, code, out)
	assert.Contains(t, out, `"outcome":"repeat"`, "Alertmanager's resend changes nothing")

	code, out = f.alert("/api/v1/alerts/alertmanager", amBody("resolved", `,"app":"web"`, at))
	require.Equal(t, http.StatusOK, code, out)
	assert.Contains(t, out, `"outcome":"resolved"`, "app is the fallback label")

	api := strings.Replace(amBody("firing", `,"namespace":"prod","deployment":"api"`, at), "c6eadffa33fcdf37", "0a1b2c3d4e5f6a7b", 1)
	code, out = f.alert("/api/v1/alerts/alertmanager", api)
	require.Equal(t, http.StatusOK, code, out)
	assert.Contains(t, out, `"app":"api"`, "namespace+deployment map to a Kubernetes app")
}

func TestGenericIntake(t *testing.T) {
	f := newFixture(t).withAlerts()
	body := `{"app":"web","title":"ARMS 5xx","severity":"P1","status":"firing","id":"arms-42","url":"https://arms/x","source":"arms"}`
	code, out := f.alert("/api/v1/alerts", body)
	require.Equal(t, http.StatusOK, code, out)
	assert.Contains(t, out, `"outcome":"suggested"`)
	recs, err := f.store.Alerts(f.ctx, core.AlertFilter{})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "arms", recs[0].Alert.Source)
}

// TestBadAlertBodies: every bad body is a one-line JSON 4xx and records
// nothing.
func TestBadAlertBodies(t *testing.T) {
	f := newFixture(t).withAlerts()
	at := f.clock.Now()
	good := amBody("firing", `,"dingops_app":"web"`, at)
	cases := []struct {
		name, path, body, says string
		code                   int
		hdr                    []string
	}{
		{"unknown app", "/api/v1/alerts/alertmanager", amBody("firing", `,"dingops_app":"nope"`, at), `unknown app \"nope\"`, 404, nil},
		{"no app label", "/api/v1/alerts/alertmanager", amBody("firing", "", at), "set the label dingops_app", 422, nil},
		{"unknown field", "/api/v1/alerts/alertmanager", strings.Replace(good, `"version"`, `"orgId":1,"version"`, 1), "unknown field", 400, nil},
		{"version 3", "/api/v1/alerts/alertmanager", strings.Replace(good, `"version":"4"`, `"version":"3"`, 1), "version 4", 400, nil},
		{"bad status", "/api/v1/alerts/alertmanager", amBody("burning", `,"dingops_app":"web"`, at), "firing or resolved", 400, nil},
		{"malformed", "/api/v1/alerts/alertmanager", `{"alerts": [`, "invalid JSON", 400, nil},
		{"empty", "/api/v1/alerts/alertmanager", ``, "empty", 400, nil},
		{"too big", "/api/v1/alerts/alertmanager", `{"receiver":"` + strings.Repeat("x", 5000) + `"}`, "larger than 4096", 413, nil},
		{"not JSON", "/api/v1/alerts/alertmanager", good, "Content-Type", 415, []string{"Content-Type", "text/plain"}},
		{"generic unknown field", "/api/v1/alerts", `{"app":"web","title":"t","status":"firing","id":"1","level":"x"}`, "unknown field", 400, nil},
		{"generic no id", "/api/v1/alerts", `{"app":"web","title":"t","status":"firing"}`, "id", 400, nil},
		{"generic no title", "/api/v1/alerts", `{"app":"web","status":"firing","id":"1"}`, "title is required", 400, nil},
		{"generic unknown app", "/api/v1/alerts", `{"app":"nope","title":"t","status":"firing","id":"1"}`, "unknown app", 404, nil},
		{"generic bad source", "/api/v1/alerts", `{"app":"web","title":"t","status":"firing","id":"1","source":"A B"}`, "source", 400, nil},
		{"wrong method", "/api/v1/alerts", `{}`, "not allowed", 405, []string{"X-Method", "GET"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := http.MethodPost
			hdr := append([]string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}, c.hdr...)
			if len(c.hdr) == 2 && c.hdr[0] == "X-Method" {
				method = c.hdr[1]
			}
			code, _, out := f.call(method, c.path, c.body, hdr...)
			assert.Equal(t, c.code, code, out)
			assertOneLineError(t, out, c.says)
		})
	}
	recs, err := f.store.Alerts(f.ctx, core.AlertFilter{})
	require.NoError(t, err)
	assert.Empty(t, recs, "nothing recorded")
}

func TestAlertsNeedTheToken(t *testing.T) {
	f := newFixture(t).withAlerts()
	for _, path := range []string{"/api/v1/alerts/alertmanager", "/api/v1/alerts"} {
		code, _, out := f.call(http.MethodPost, path, amBody("firing", `,"dingops_app":"web"`, f.clock.Now()),
			"Content-Type", "application/json")
		assert.Equal(t, http.StatusUnauthorized, code, out)
		code, _, _ = f.call(http.MethodPost, path, "{}", "Content-Type", "application/json", "Authorization", "Bearer wrong")
		assert.Equal(t, http.StatusUnauthorized, code)
	}
	recs, err := f.store.Alerts(context.Background(), core.AlertFilter{})
	require.NoError(t, err)
	assert.Empty(t, recs)
}

// TestHistoryShowsTheAlert: the dashboard's timeline shows an alert on the
// release it was attributed to.
func TestHistoryShowsTheAlert(t *testing.T) {
	f := newFixture(t).withAlerts()
	code, out := f.alert("/api/v1/alerts/alertmanager", amBody("firing", `,"dingops_app":"web"`, f.clock.Now()))
	require.Equal(t, http.StatusOK, code, out)
	code, page := f.get("/apps/web?lang=en")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "alert HighErrorRate (alertmanager c6eadffa33fcdf37)")
	assert.Contains(t, page, "rollback suggestion card posted")
}
