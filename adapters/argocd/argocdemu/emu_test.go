package argocdemu_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/argocd/argocdemu"
	"github.com/dingops/dingops/adapters/container/kubesim"
)

func start(t *testing.T) *argocdemu.Emulator {
	t.Helper()
	sim, err := kubesim.New(kubesim.Options{Interval: 2 * time.Millisecond, Deployments: []kubesim.Seed{{Namespace: "prod",
		Name: "web", Containers: []kubesim.Container{{Name: "app", Image: "reg.example/web:v0"}}}}})
	require.NoError(t, err)
	require.NoError(t, sim.Start(context.Background()))
	t.Cleanup(func() { _ = sim.Close() })
	e, err := argocdemu.New(argocdemu.Options{Sim: sim, Interval: 2 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, e.AddApp(argocdemu.AppSeed{Name: "web", Project: "shop", Dest: "prod", Deployment: "web",
		Container: "app", Image: "reg.example/web:v0", Sources: []argocdemu.Source{{RepoURL: "https://git.example/d.git",
			Kustomize: &argocdemu.Kustomize{}}}}))
	e.AddToken("tok", "alice", argocdemu.Grant{Action: "*", Object: "shop/*"})
	require.NoError(t, e.Start(context.Background(), ""))
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func call(t *testing.T, e *argocdemu.Emulator, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, e.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return resp.StatusCode, out
}

// The answers Argo CD's grpc-gateway gives, status and body.
func TestErrorsAsArgoCDAnswers(t *testing.T) {
	e := start(t)
	tests := []struct {
		name, method, path, token, body string
		status, code                    int
		message                         string
	}{
		{"no token", "GET", "/api/v1/applications/web", "", "", 401, 16, "no session information"},
		{"unknown token", "GET", "/api/v1/applications/web", "x", "", 401, 16, "invalid session: token signature is invalid"},
		{"missing app, no project: hidden", "GET", "/api/v1/applications/nope", "tok", "", 403, 7, "permission denied"},
		{"missing app in a project", "GET", "/api/v1/applications/nope?project=shop", "tok", "", 404, 5,
			`applications.argoproj.io "nope" not found`},
		{"app of another project", "GET", "/api/v1/applications/web?project=other", "tok", "", 403, 7, "permission denied"},
		{"bad can-i action", "GET", "/api/v1/account/can-i/applications/deploy/shop/web", "tok", "", 400, 3,
			"[get create update delete sync rollback override action invoke] does not contain deploy"},
		{"bad patch", "PATCH", "/api/v1/applications/web", "tok", `{"name":"web","patch":"[{\"op\":\"test\",\"path\":\"/spec/project\",\"value\":\"x\"}]","patchType":"json"}`,
			500, 2, "error applying patch: "},
		{"unknown patch type", "PATCH", "/api/v1/applications/web", "tok", `{"name":"web","patch":"{}","patchType":"strategic"}`,
			400, 3, "Patch type 'strategic' is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, e, tt.method, tt.path, tt.token, tt.body)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, float64(tt.code), body["code"])
			assert.Contains(t, body["message"], tt.message)
			assert.Equal(t, body["message"], body["error"], "grpc-gateway v1 repeats the message as error")
		})
	}
}

func TestSyncAppliesTheOverrideAndRefusesASecondOperation(t *testing.T) {
	e := start(t)
	e.Hold(true)
	status, _ := call(t, e, "PATCH", "/api/v1/applications/web", "tok",
		`{"name":"web","patchType":"merge","patch":"{\"spec\":{\"source\":{\"kustomize\":{\"images\":[\"reg.example/web=reg.example/web:v1\"]}}}}"}`)
	require.Equal(t, 200, status)
	status, _ = call(t, e, "POST", "/api/v1/applications/web/sync", "tok", `{"name":"web"}`)
	require.Equal(t, 200, status)
	status, body := call(t, e, "POST", "/api/v1/applications/web/sync", "tok", `{"name":"web"}`)
	assert.Equal(t, 400, status)
	assert.Equal(t, float64(9), body["code"])
	assert.Equal(t, "error setting app operation: another operation is already in progress", body["message"])
	e.Hold(false)
	require.Eventually(t, func() bool {
		app, _ := e.App("", "web")
		st := app.Status.OperationState
		return st != nil && st.Phase == "Succeeded" && app.Status.Sync.Status == "Synced" && app.Status.Health.Status == "Healthy"
	}, 10*time.Second, time.Millisecond)
	app, _ := e.App("", "web")
	assert.Equal(t, []string{"reg.example/web:v1"}, app.Status.Summary.Images)
	assert.Equal(t, "successfully synced (all tasks run)", app.Status.OperationState.Message)
}
