package kubernetes

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/core"
)

const (
	testNS    = "prod"
	seedImage = "reg.example/team/web:v0"
)

// cluster is a simulated cluster with a registry, and a deployer over it.
type cluster struct {
	sim *kubesim.Sim
	reg *kubesim.Registry
	dep *Deployer
}

type clusterOpts struct {
	seeds    []kubesim.Seed
	manual   bool // do not start the loop: the test steps the simulator
	config   func(*Config)
	registry kubesim.RegistryOptions
}

// webSeed is "web" with the app container and a sidecar that must never change.
func webSeed() kubesim.Seed {
	return kubesim.Seed{Namespace: testNS, Name: "web", Replicas: 3,
		Containers: []kubesim.Container{{Name: "app", Image: seedImage}, {Name: "sidecar", Image: "reg.example/proxy:1"}}}
}

func newCluster(t testing.TB, o clusterOpts) *cluster {
	t.Helper()
	o.registry.Images = append(o.registry.Images, seedImage, "reg.example/proxy:1",
		"reg.example/team/web:v1", "reg.example/team/web:v2")
	reg, err := kubesim.NewRegistry(o.registry)
	require.NoError(t, err)
	require.NoError(t, reg.Start())
	t.Cleanup(func() { _ = reg.Close() })
	if o.seeds == nil {
		o.seeds = []kubesim.Seed{webSeed()}
	}
	sim, err := kubesim.New(kubesim.Options{Interval: 2 * time.Millisecond, DeadlineScale: 0.001, Registry: reg,
		Deployments: o.seeds})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sim.Close() })
	if !o.manual {
		require.NoError(t, sim.Start(context.Background()))
	}
	cfg := Config{Namespace: testNS, Workloads: []Workload{{"web", "app"}}, Timeout: 30 * time.Second,
		PollInterval: time.Millisecond, Registry: &RegistryConfig{Endpoint: reg.URL(), ResolveDigests: true}}
	if o.config != nil {
		o.config(&cfg)
	}
	dep, err := New(cfg, sim.Clientset())
	require.NoError(t, err)
	return &cluster{sim: sim, reg: reg, dep: dep}
}

// artifact is the registry's digest reference for a pushed tag, resolved
// the way `dingops record` would.
func (c *cluster) artifact(t *testing.T, tag string) core.Artifact {
	t.Helper()
	d, ok := c.reg.Digest("reg.example/team/web:" + tag)
	require.True(t, ok, tag)
	a, err := c.dep.Resolve(context.Background(), "reg.example/team/web@"+d)
	require.NoError(t, err)
	return a
}

// setDeadline patches spec.progressDeadlineSeconds (scaled by 0.001: 20 → 20 ms).
func (c *cluster) setDeadline(t *testing.T, deployment string, seconds int32) {
	t.Helper()
	_, err := c.sim.Clientset().AppsV1().Deployments(testNS).Patch(context.Background(), deployment,
		types.MergePatchType, []byte(`{"spec":{"progressDeadlineSeconds":`+strconv.Itoa(int(seconds))+`}}`),
		metav1.PatchOptions{})
	require.NoError(t, err)
}

// breakImage makes image never ready; with hang, the Deployment has no
// progress deadline, so the rollout waits forever.
func (c *cluster) breakImage(t *testing.T, image string, hang bool) {
	t.Helper()
	require.NoError(t, c.sim.SetNeverReady(image, true))
	if hang {
		c.setDeadline(t, "web", math.MaxInt32)
	} else {
		c.setDeadline(t, "web", 20)
	}
}

func (c *cluster) image(t *testing.T, deployment, ctr string) string {
	t.Helper()
	v, ok := c.sim.Deployment(testNS, deployment)
	require.True(t, ok)
	for _, x := range v.Containers {
		if x.Name == ctr {
			return x.Image
		}
	}
	t.Fatalf("no container %s in %s", ctr, deployment)
	return ""
}

func request(a core.Artifact, id int) core.DeployRequest {
	return core.DeployRequest{App: "web", ReleaseID: core.ReleaseID(id), Version: id, Kind: core.KindRelease,
		Requester: "0123", Artifact: a}
}

// patches returns the patch actions recorded on deployments.
func patches(c *cluster) []patchAction {
	var out []patchAction
	for _, a := range c.sim.Clientset().Actions() {
		if p, ok := a.(interface {
			GetPatch() []byte
			GetPatchType() types.PatchType
			GetName() string
		}); ok && a.GetVerb() == "patch" && a.GetResource().Resource == "deployments" {
			out = append(out, patchAction{name: p.GetName(), pt: p.GetPatchType(), body: string(p.GetPatch())})
		}
	}
	return out
}

type patchAction struct {
	name string
	pt   types.PatchType
	body string
}

func appsResource() schema.GroupResource {
	return schema.GroupResource{Group: "apps", Resource: "deployments"}
}
