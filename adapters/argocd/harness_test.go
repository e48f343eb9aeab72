package argocd

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/argocd/argocdemu"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/core"
)

const (
	testNS    = "prod"
	repo      = "reg.example/team/web"
	seedImage = repo + ":v0"
	goodToken = "tok-deployer"
)

// rig is a simulated cluster with a registry, an Argo CD emulator that
// owns the "web" Deployment, and a deployer over it.
type rig struct {
	sim *kubesim.Sim
	reg *kubesim.Registry
	emu *argocdemu.Emulator
	dep *Deployer
}

type rigOpts struct {
	manualSync bool // auto-sync off (default: auto-sync and self-heal on)
	helm       bool // a multi-source Helm app with image.tag, instead of kustomize
	manualSim  bool // do not start the simulator's loop: the test steps it
	config     func(*Config)
}

func newRig(t testing.TB, o rigOpts) *rig {
	t.Helper()
	reg, err := kubesim.NewRegistry(kubesim.RegistryOptions{Images: []string{seedImage, repo + ":v1", repo + ":v2"}})
	require.NoError(t, err)
	require.NoError(t, reg.Start())
	t.Cleanup(func() { _ = reg.Close() })
	sim, err := kubesim.New(kubesim.Options{Interval: 2 * time.Millisecond, DeadlineScale: 0.001, Registry: reg,
		Deployments: []kubesim.Seed{{Namespace: testNS, Name: "web", Replicas: 2,
			Annotations: map[string]string{kubernetes.ArgoCDTrackingAnnotation: "web:apps/Deployment:prod/web"},
			Containers:  []kubesim.Container{{Name: "app", Image: seedImage}}}}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sim.Close() })
	if !o.manualSim {
		require.NoError(t, sim.Start(context.Background()))
	}

	e, err := argocdemu.New(argocdemu.Options{Sim: sim, Interval: 2 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, e.AddApp(appSeed(o)))
	e.AddToken(goodToken, "proj:shop:deployer", argocdemu.Grant{Action: "get", Object: "shop/*"},
		argocdemu.Grant{Action: "update", Object: "shop/web"}, argocdemu.Grant{Action: "sync", Object: "shop/web"})
	e.AddToken("tok-readonly", "proj:shop:viewer", argocdemu.Grant{Action: "get", Object: "shop/*"})
	require.NoError(t, e.Start(context.Background(), ""))
	t.Cleanup(func() { _ = e.Close() })

	cfg := Config{Server: e.URL(), Token: goodToken, Application: "web", Project: "shop",
		Image: Image{Repository: repo}, Timeout: 30 * time.Second, PollInterval: 2 * time.Millisecond,
		Registry: &kubernetes.RegistryConfig{Endpoint: reg.URL()}}
	if o.helm {
		cfg.Image = Image{Repository: repo, SourcePosition: 1, HelmParameter: "image.tag"}
	}
	if o.config != nil {
		o.config(&cfg)
	}
	dep, err := New(cfg)
	require.NoError(t, err)
	return &rig{sim: sim, reg: reg, emu: e, dep: dep}
}

func appSeed(o rigOpts) argocdemu.AppSeed {
	s := argocdemu.AppSeed{Name: "web", Project: "shop", Dest: testNS, Deployment: "web", Container: "app",
		Image: seedImage, AutoSync: !o.manualSync, SelfHeal: !o.manualSync, SyncOptions: []string{"ApplyOutOfSyncOnly=true"},
		Sources: []argocdemu.Source{{RepoURL: "https://git.example/shop/deploy.git", Path: "web/overlays/prod",
			TargetRevision: "main", Kustomize: &argocdemu.Kustomize{}}}}
	if o.helm {
		s.Multi, s.HelmTag = true, "image.tag"
		s.Sources = []argocdemu.Source{
			{RepoURL: "https://charts.example", Chart: "web", TargetRevision: "1.4.0",
				Helm: &argocdemu.Helm{ValueFiles: []string{"$values/web/values-prod.yaml"}}},
			{RepoURL: "https://git.example/shop/values.git", TargetRevision: "main", Ref: "values"}}
	}
	return s
}

// artifact is the registry's digest reference for a pushed tag (the
// Helm rig deploys tags: its chart takes image.tag).
func (r *rig) artifact(t *testing.T, tag string) core.Artifact {
	t.Helper()
	d, ok := r.reg.Digest(repo + ":" + tag)
	require.True(t, ok, tag)
	if r.dep.cfg.Image.helm() {
		return core.Artifact{Kind: core.TargetContainer, Ref: repo + ":" + tag, Digest: d, Display: "web:" + tag}
	}
	return artifactFor(repo + "@" + d)
}

// image is what the Deployment's container runs now.
func (r *rig) image(t *testing.T) string {
	t.Helper()
	v, ok := r.sim.Deployment(testNS, "web")
	require.True(t, ok)
	return v.Containers[0].Image
}

// requests counts the emulator's answers to method on a path ending in suffix.
func (r *rig) requests(method, suffix string, status int) int {
	n := 0
	for _, q := range r.emu.Requests() {
		if q.Method == method && len(q.Path) >= len(suffix) && q.Path[len(q.Path)-len(suffix):] == suffix &&
			(status == 0 || q.Status == status) {
			n++
		}
	}
	return n
}

func request(a core.Artifact, id int) core.DeployRequest {
	return core.DeployRequest{App: "web", ReleaseID: core.ReleaseID(id), Version: id, Kind: core.KindRollback,
		Requester: "0123", Artifact: a}
}
