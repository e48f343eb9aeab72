package kubernetes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/core"
)

// stepAfterPolls advances the simulator only after the deployer has read
// the Deployment twice, so it sees every intermediate state.
func stepAfterPolls(t *testing.T, c *cluster) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		last := 0
		for ctx.Err() == nil {
			if n := gets(c); n >= last+2 {
				c.sim.Step()
				last = gets(c)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
}

func gets(c *cluster) int {
	n := 0
	for _, a := range c.sim.Clientset().Actions() {
		if a.GetVerb() == "get" {
			n++
		}
	}
	return n
}

func TestDeployOnePatchWithImageAndChangeCause(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	stepAfterPolls(t, c)
	a := c.artifact(t, "v2")
	var log bytes.Buffer
	req := request(a, 57)
	req.Kind, req.Log = core.KindRollback, &log
	require.NoError(t, c.dep.Deploy(context.Background(), req))

	ps := patches(c)
	require.Len(t, ps, 1, "one request sets image and change-cause")
	assert.Equal(t, types.StrategicMergePatchType, ps[0].pt)
	cause := "dingops #57 web v57 by 0123 (rollback to " + a.Display + ")"
	want, _ := json.Marshal(map[string]any{
		"metadata": map[string]any{"annotations": map[string]string{"kubernetes.io/change-cause": cause}},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []map[string]string{{"name": "app", "image": a.Ref}}}}}})
	assert.JSONEq(t, string(want), ps[0].body)
	for _, act := range c.sim.Clientset().Actions() {
		if p, ok := act.(interface{ GetPatchOptions() metav1.PatchOptions }); ok {
			assert.Equal(t, "dingops", p.GetPatchOptions().FieldManager)
		}
	}

	assert.Equal(t, "reg.example/proxy:1", c.image(t, "web", "sidecar"), "other containers untouched")
	v, _ := c.sim.Deployment(testNS, "web")
	assert.Equal(t, cause, v.History[0].ChangeCause, "the cause lands on the new revision")
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	assert.Equal(t, []string{
		`deployment "web": image set to ` + a.Ref + ` (generation 2)`,
		`Waiting for deployment "web" spec update to be observed...`,
		`Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`,
		`Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...`,
		`Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...`,
		`deployment "web" successfully rolled out`,
	}, lines, "each status line once, when it changes")
}

func TestDeployOnePatchPerDeployment(t *testing.T) {
	worker := kubesim.Seed{Namespace: testNS, Name: "worker", Replicas: 2,
		Containers: []kubesim.Container{{Name: "app", Image: seedImage}}}
	seed := webSeed()
	seed.Containers[1].Image = seedImage
	c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{seed, worker}, config: func(cfg *Config) {
		cfg.Workloads = []Workload{{"web", "app"}, {"worker", "app"}, {"web", "sidecar"}}
	}})
	a := c.artifact(t, "v1")
	require.NoError(t, c.dep.Deploy(context.Background(), request(a, 3)))

	ps := patches(c)
	require.Len(t, ps, 2)
	assert.Equal(t, "web", ps[0].name)
	assert.Contains(t, ps[0].body, `{"image":"`+a.Ref+`","name":"app"},{"image":"`+a.Ref+`","name":"sidecar"}`)
	assert.Equal(t, "worker", ps[1].name)
	live, err := c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(a))
	assert.Equal(t, a.Display, live.Display)

	_, err = c.sim.Clientset().AppsV1().Deployments(testNS).Patch(context.Background(), "worker",
		types.StrategicMergePatchType, []byte(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"reg.example/team/web:v2"}]}}}}`),
		metav1.PatchOptions{})
	require.NoError(t, err)
	live, err = c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.False(t, live.Same(a), "a split is the same as no single image")
	assert.Contains(t, live.Display, "images differ: web/app web@sha256:")
	assert.Contains(t, live.Display, "worker/app web:v2")
	assert.Contains(t, live.Ref, "worker/app=reg.example/team/web:v2")
}

func TestDeployLiveImageIsNoop(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	a := c.artifact(t, "v1")
	require.NoError(t, c.dep.Deploy(context.Background(), request(a, 1)))
	var log bytes.Buffer
	req := request(a, 2)
	req.Log = &log
	require.NoError(t, c.dep.Deploy(context.Background(), req))
	assert.Len(t, patches(c), 1, "no second patch")
	assert.Contains(t, log.String(), "already live and rolled out")
}

func TestDeployTagPinnedToRecordedDigest(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	d, _ := c.reg.Digest("reg.example/team/web:v1")
	a := core.Artifact{Kind: core.TargetContainer, Ref: "reg.example/team/web:v1", Digest: d}
	require.NoError(t, c.dep.Deploy(context.Background(), request(a, 1)))
	assert.Equal(t, "reg.example/team/web:v1@"+d, c.image(t, "web", "app"))
	live, err := c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(a))
}

func TestDeployResumedOnlyWaits(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	a := c.artifact(t, "v1")
	patch := `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"` + a.Ref + `"}]}}}}`
	_, err := c.sim.Clientset().AppsV1().Deployments(testNS).Patch(context.Background(), "web",
		types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
	require.NoError(t, err)
	c.sim.Clientset().ClearActions()
	stepAfterPolls(t, c)
	require.NoError(t, c.dep.Deploy(context.Background(), request(a, 1)))
	assert.Empty(t, patches(c), "the image was already set: a resumed deploy only waits")
	v, _ := c.sim.Deployment(testNS, "web")
	assert.Equal(t, `deployment "web" successfully rolled out`, v.Rollout)
}

func TestDeployRefusesBadArtifact(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	for _, a := range []core.Artifact{
		{Kind: core.TargetOSS, Ref: "web/manifest.json"},
		{Kind: core.TargetContainer, Ref: "Not An Image"},
		{Kind: core.TargetContainer, Ref: "reg.example/team/web:v1", Digest: "md5:abc"},
		{Kind: core.TargetContainer, Ref: "reg.example/team/web@sha256:" + strings.Repeat("a", 64),
			Digest: "sha256:" + strings.Repeat("b", 64)},
	} {
		err := c.dep.Deploy(context.Background(), request(a, 1))
		require.Error(t, err, "%+v", a)
		assert.Contains(t, err.Error(), "web", "names the app")
		assert.Error(t, c.dep.Check(context.Background(), a))
	}
	assert.Empty(t, patches(c))
}

func TestRefusedPatchChangesNothing(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	a := c.artifact(t, "v1")
	c.sim.FailNextWrite(apierrors.NewConflict(appsResource(), "web", errors.New("try again")))
	err := c.dep.Deploy(context.Background(), request(a, 1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `deploying `+a.Display+` to web failed: patching deployment "web": `)
	assert.Contains(t, err.Error(), "try again; not reverted: nothing was changed")
	assert.Equal(t, seedImage, c.image(t, "web", "app"))
}

func TestSecondPatchFailingRevertsTheFirst(t *testing.T) {
	worker := kubesim.Seed{Namespace: testNS, Name: "worker", Containers: []kubesim.Container{{Name: "app", Image: seedImage}}}
	c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{webSeed(), worker}, config: func(cfg *Config) {
		cfg.Workloads = []Workload{{"web", "app"}, {"worker", "app"}}
	}})
	a := c.artifact(t, "v1")
	c.sim.FailNextWrite(nil, apierrors.NewForbidden(appsResource(), "worker", errors.New("no patch for you")))
	err := c.dep.Deploy(context.Background(), request(a, 1))
	var re *RolloutError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "worker", re.Deployment)
	assert.True(t, re.Reverted)
	assert.Equal(t, seedImage, re.RevertedTo)
	assert.Contains(t, err.Error(), "no patch for you")
	assert.Equal(t, seedImage, c.image(t, "web", "app"), "the first Deployment was put back")
	assert.Equal(t, seedImage, c.image(t, "worker", "app"))
}
