package argocd

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

var switchedAt = time.Date(2026, 12, 3, 10, 2, 3, 0, time.UTC)

// confirmCfg is a confirmation on the test's time: each sleep advances it
// and runs step (a simulator step), so the rollout moves between polls.
func confirmCfg(now *time.Time, step func(), probe *visible.Probe) *visible.Config {
	return &visible.Config{Timeout: 15 * time.Minute, Probe: probe, Now: func() time.Time { return *now },
		Sleep: func(_ context.Context, d time.Duration) bool {
			*now = now.Add(d)
			if step != nil {
				step()
			}
			return true
		}}
}

func (r *rig) confirm(t *testing.T, cfg *visible.Config, a core.Artifact) core.Visibility {
	t.Helper()
	r.dep.cfg.Confirm = cfg
	return r.dep.ConfirmVisible(context.Background(), request(a, 9), switchedAt, func(core.Visibility) {})
}

// rollImage starts a rollout of image directly on the simulated cluster
// (auto-sync off, so Argo CD does not heal it back), without waiting.
func (r *rig) rollImage(t *testing.T, image string) {
	t.Helper()
	api := r.sim.Clientset().AppsV1().Deployments(testNS)
	d, err := api.Get(context.Background(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	d.Spec.Template.Spec.Containers[0].Image = image
	_, err = api.Update(context.Background(), d, metav1.UpdateOptions{})
	require.NoError(t, err)
}

func TestConfirmVisibleAfterSync(t *testing.T) {
	r := newRig(t, rigOpts{})
	a := r.artifact(t, "v1")
	require.NoError(t, r.dep.Deploy(context.Background(), request(a, 9)))
	now := switchedAt
	v := r.confirm(t, confirmCfg(&now, nil, nil), a)
	require.True(t, v.Confirmed())
	assert.Equal(t, switchedAt, v.Served, "the deploy waited for Healthy: confirmed on the first look")
}

func TestConfirmVisibleSlowThenConfirmed(t *testing.T) {
	r := newRig(t, rigOpts{manualSync: true, manualSim: true})
	r.rollImage(t, repo+":v1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"version":"v1"}`))
	}))
	t.Cleanup(srv.Close)
	now := switchedAt
	v := r.confirm(t, confirmCfg(&now, func() { r.sim.Step() }, &visible.Probe{URL: srv.URL}),
		core.Artifact{Kind: core.TargetContainer, Ref: repo + ":v1"})
	require.True(t, v.Confirmed())
	require.Len(t, v.Steps, 1)
	assert.Equal(t, kubernetes.StepPods, v.Steps[0].Name)
	assert.True(t, v.Steps[0].At.After(switchedAt), "2 replicas, 1 per step: the old pods go after a few polls")
	view, _ := r.sim.Deployment(testNS, "web")
	assert.Equal(t, "2 ready", view.Pods)
}

func TestConfirmVisibleNotConfirmedByTimeout(t *testing.T) {
	r := newRig(t, rigOpts{manualSync: true, manualSim: true})
	require.NoError(t, r.sim.SetNeverReady(repo+":v1", true))
	r.rollImage(t, repo+":v1")
	now := switchedAt
	cfg := confirmCfg(&now, func() { r.sim.Step() }, nil)
	v := r.confirm(t, cfg, core.Artifact{Kind: core.TargetContainer, Ref: repo + ":v1"})
	assert.False(t, v.Confirmed())
	assert.True(t, v.TimedOut, "not confirmed, never a failure")
	assert.Equal(t, switchedAt.Add(15*time.Minute), now)
	n := r.requests("GET", "/resource-tree", 0)
	assert.Greater(t, n, 10, "polled, backing off")
	assert.LessOrEqual(t, n, visible.Rounds(*cfg), "within the poll budget")
}
