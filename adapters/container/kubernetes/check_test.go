package kubernetes

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/core"
)

func TestNewValidatesConfig(t *testing.T) {
	cs := fake.NewClientset()
	for _, cfg := range []Config{
		{Workloads: []Workload{{"web", "app"}}},
		{Namespace: "prod"},
		{Namespace: "prod", Workloads: []Workload{{"web", ""}}},
		{Namespace: "prod", Workloads: []Workload{{"web", "app"}, {"web", "app"}}},
	} {
		_, err := New(cfg, cs)
		assert.Error(t, err, "%+v", cfg)
	}
	d, err := New(Config{Namespace: "prod", Workloads: []Workload{{"web", "app"}}}, cs)
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, d.cfg.Timeout)
	assert.Equal(t, DefaultPollInterval, d.cfg.PollInterval)
	assert.Nil(t, d.reg, "no registry check unless configured")
}

func TestCheckRefusesWhatCannotBeDeployed(t *testing.T) {
	paused := kubesim.Seed{Namespace: testNS, Name: "paused", Paused: true,
		Containers: []kubesim.Container{{Name: "app", Image: seedImage}}}
	c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{webSeed(), paused}})
	ctx := context.Background()
	good := c.artifact(t, "v1")
	require.NoError(t, c.dep.Check(ctx, good))

	tests := []struct {
		name      string
		workloads []Workload
		a         core.Artifact
		want      string
	}{
		{"missing deployment", []Workload{{"api", "app"}}, good, `reading deployment "api" in namespace "prod"`},
		{"missing container", []Workload{{"web", "worker"}}, good, `deployment "web" has no container "worker" (it has [app sidecar])`},
		{"paused deployment", []Workload{{"paused", "app"}}, good, `deployment "paused" is paused`},
		{"invalid reference", []Workload{{"web", "app"}}, core.Artifact{Ref: "web:"}, `image reference "web:" cannot be deployed`},
		{"wrong kind", []Workload{{"web", "app"}}, core.Artifact{Kind: core.TargetMiniApp, Ref: "42"}, "not a container image"},
		{"not in the registry", []Workload{{"web", "app"}}, artifactFor("reg.example/team/web:v9"),
			"image reg.example/team/web:v9 is not in the registry at " + c.reg.URL() + ": manifest unknown (MANIFEST_UNKNOWN)"},
		{"unknown repository", []Workload{{"web", "app"}}, artifactFor("reg.example/team/api:v1"),
			"repository name not known to registry (NAME_UNKNOWN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(Config{Namespace: testNS, Workloads: tt.workloads, Registry: &RegistryConfig{Endpoint: c.reg.URL()}},
				c.sim.Clientset())
			require.NoError(t, err)
			err = d.Check(ctx, tt.a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestResolve(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	ctx := context.Background()
	digest, _ := c.reg.Digest("reg.example/team/web:v1")

	a, err := c.dep.Resolve(ctx, "reg.example/team/web:v1")
	require.NoError(t, err)
	assert.Equal(t, core.Artifact{Kind: core.TargetContainer, Ref: "reg.example/team/web:v1", Digest: digest,
		Display: "web:v1"}, a, "the registry fills the digest; the reference stays as written")

	before := len(c.reg.Requests())
	a, err = c.dep.Resolve(ctx, "reg.example/team/web@"+digest)
	require.NoError(t, err)
	assert.Equal(t, digest, a.Digest)
	assert.Equal(t, "web@"+digest[:19], a.Display)
	assert.Len(t, c.reg.Requests(), before, "a digest reference needs no registry")

	_, err = c.dep.Resolve(ctx, "reg.example/team/web:v9")
	require.Error(t, err)
	_, err = c.dep.Resolve(ctx, "UPPER/case")
	require.Error(t, err)

	plain, err := New(Config{Namespace: testNS, Workloads: []Workload{{"web", "app"}}}, c.sim.Clientset())
	require.NoError(t, err)
	a, err = plain.Resolve(ctx, "reg.example/team/web:v1")
	require.NoError(t, err)
	assert.Empty(t, a.Digest, "without a registry the digest stays unknown")
}

func TestLiveNotesARolloutInProgress(t *testing.T) {
	c := newCluster(t, clusterOpts{manual: true})
	live, err := c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.Equal(t, core.Artifact{Kind: core.TargetContainer, Ref: seedImage, Display: "web:v0"}, live)
	c.setDeadline(t, "web", 300)
	c.sim.Step()
	c.setDeadline(t, "web", 301) // a spec change the simulator has not observed
	live, err = c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "web:v0 (rolling out)", live.Display)
}
