package kubernetes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

var switchedAt = time.Date(2026, 12, 3, 10, 2, 3, 0, time.UTC)

// confirmClock is the test's time: each sleep advances it and steps the
// simulated controller once, so a rollout progresses between polls.
type confirmClock struct {
	now  time.Time
	step func()
}

func (k *confirmClock) config(probe *visible.Probe) *visible.Config {
	return &visible.Config{Timeout: 15 * time.Minute, Probe: probe, Now: func() time.Time { return k.now },
		Sleep: func(_ context.Context, d time.Duration) bool {
			k.now = k.now.Add(d)
			if k.step != nil {
				k.step()
			}
			return true
		}}
}

// setImage changes the app container's image as a deploy's patch would,
// without waiting for the rollout.
func (c *cluster) setImage(t *testing.T, image string) {
	t.Helper()
	api := c.sim.Clientset().AppsV1().Deployments(testNS)
	d, err := api.Get(context.Background(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	d.Spec.Template.Spec.Containers[0].Image = image
	_, err = api.Update(context.Background(), d, metav1.UpdateOptions{})
	require.NoError(t, err)
}

func (c *cluster) confirm(t *testing.T, k *confirmClock, probe *visible.Probe, image string) (core.Visibility, []core.Visibility) {
	t.Helper()
	c.dep.cfg.Confirm = k.config(probe)
	var seen []core.Visibility
	v := c.dep.ConfirmVisible(context.Background(), request(core.Artifact{Kind: core.TargetContainer, Ref: image}, 7),
		switchedAt, func(v core.Visibility) { seen = append(seen, v) })
	return v, seen
}

func (c *cluster) replicaSetLists() int {
	n := 0
	for _, a := range c.sim.Clientset().Actions() {
		if a.GetVerb() == "list" && a.GetResource().Resource == "replicasets" {
			n++
		}
	}
	return n
}

func TestConfirmVisibleRolledOut(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	c.setImage(t, "reg.example/team/web:v1")
	for c.sim.Step() {
	}
	k := &confirmClock{now: switchedAt}
	v, seen := c.confirm(t, k, nil, "reg.example/team/web:v1")
	require.True(t, v.Confirmed())
	assert.Equal(t, switchedAt, v.Served, "confirmed on the first look")
	assert.Empty(t, v.Steps, "without a probe the pods are the confirmation itself")
	assert.Len(t, seen, 2, "the switch, then served")
}

func TestConfirmVisibleSlowRollout(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	c.setImage(t, "reg.example/team/web:v1")
	k := &confirmClock{now: switchedAt, step: func() { c.sim.Step() }}
	v, _ := c.confirm(t, k, nil, "reg.example/team/web:v1")
	require.True(t, v.Confirmed())
	assert.Greater(t, v.Served.Sub(switchedAt), time.Duration(0), "3 replicas, 1 per step: several polls")
	view, _ := c.sim.Deployment(testNS, "web")
	assert.Equal(t, "3 ready", view.Pods, "the old ReplicaSet has no ready pod once confirmed")
	assert.False(t, v.TimedOut)
}

func TestConfirmVisibleNeverReadyTimesOut(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	c.breakImage(t, "reg.example/team/web:v1", true)
	c.setImage(t, "reg.example/team/web:v1")
	k := &confirmClock{now: switchedAt, step: func() { c.sim.Step() }}
	cfg := k.config(nil)
	v, seen := c.confirm(t, k, nil, "reg.example/team/web:v1")
	assert.False(t, v.Confirmed())
	assert.True(t, v.TimedOut, "not confirmed, never a failure")
	assert.True(t, seen[len(seen)-1].TimedOut)
	assert.Greater(t, c.replicaSetLists(), 10, "polled, backing off")
	assert.LessOrEqual(t, c.replicaSetLists(), visible.Rounds(*cfg), "no more load than the poll budget")
	assert.Equal(t, switchedAt.Add(15*time.Minute), k.now, "bounded by the timeout")
}

func TestConfirmVisibleProbe(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) > 2 { // the load balancer catches up after two looks
			w.Header().Set("X-App-Version", "v1")
		} else {
			w.Header().Set("X-App-Version", "v0")
		}
	}))
	t.Cleanup(srv.Close)
	c := newCluster(t, clusterOpts{manual: true})
	c.setImage(t, "reg.example/team/web:v1")
	for c.sim.Step() {
	}
	k := &confirmClock{now: switchedAt}
	v, _ := c.confirm(t, k, &visible.Probe{URL: srv.URL, Header: "X-App-Version"}, "reg.example/team/web:v1")
	require.True(t, v.Confirmed())
	require.Len(t, v.Steps, 1)
	assert.Equal(t, StepPods, v.Steps[0].Name)
	assert.Equal(t, switchedAt, v.Steps[0].At)
	assert.True(t, v.Served.After(v.Steps[0].At), "served once the probe names v1")
	assert.EqualValues(t, 3, hits.Load())
}

func TestConfirmVisibleOff(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	called := false
	v := c.dep.ConfirmVisible(context.Background(), request(core.Artifact{Ref: "reg.example/team/web:v1"}, 7), switchedAt,
		func(core.Visibility) { called = true })
	assert.False(t, called)
	assert.Equal(t, core.Visibility{}, v)
}
