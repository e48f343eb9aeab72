package kubernetes

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/dingops/dingops/adapters/container/kubesim"
)

// application is an Argo CD Application as the API server stores it.
func application(ns, name string, automated map[string]any) *unstructured.Unstructured {
	spec := map[string]any{"project": "shop"}
	if automated != nil {
		spec["syncPolicy"] = map[string]any{"automated": automated}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": name, "namespace": ns}, "spec": spec}}
}

func applications(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{ApplicationsGVR: "ApplicationList"}, objs...)
}

// gitopsSeed is "web-api" carrying the given ownership marks.
func gitopsSeed(labels, annotations map[string]string) kubesim.Seed {
	return kubesim.Seed{Namespace: testNS, Name: "web-api", Labels: labels, Annotations: annotations,
		Containers: []kubesim.Container{{Name: "app", Image: seedImage}}}
}

func TestGitOpsOwnedDeploymentsAreRefused(t *testing.T) {
	apps := applications(application("argocd", "shop-api", map[string]any{"selfHeal": true, "prune": true}),
		application("team-a", "orders", map[string]any{"enabled": false}),
		application("argocd", "manual", nil))
	helm := map[string]string{ManagedByLabel: "Helm", DefaultArgoCDInstanceLabel: "shop"}
	tests := []struct {
		name        string
		labels, ann map[string]string
		label       string // GitOps.InstanceLabel
		refusal     string // "" = accepted
		note        string // "" = none
	}{
		{name: "tracking annotation", ann: map[string]string{ArgoCDTrackingAnnotation: "shop-api:apps/Deployment:prod/web-api"},
			refusal: "web-api is managed by Argo CD application shop-api (self-heal on): use target kind argocd, or set kubernetes.allow_gitops_override: true"},
		{name: "app outside argocd's namespace", ann: map[string]string{ArgoCDTrackingAnnotation: "team-a_orders:apps/Deployment:prod/web-api"},
			refusal: "web-api is managed by Argo CD application team-a_orders (auto-sync off): use target kind argocd"},
		{name: "copied annotation naming another resource", ann: map[string]string{ArgoCDTrackingAnnotation: "shop-api:apps/Deployment:other/web-api"}},
		{name: "argocd instance label", labels: map[string]string{ArgoCDInstanceLabel: "manual"},
			refusal: "web-api is managed by Argo CD application manual (auto-sync off): use target kind argocd"},
		{name: "default instance label", labels: map[string]string{DefaultArgoCDInstanceLabel: "ghost"},
			refusal: "web-api is managed by Argo CD application ghost: use target kind argocd"},
		{name: "flux kustomization", labels: map[string]string{FluxKustomizeLabel: "apps", FluxKustomizeNSLabel: "flux-system"},
			refusal: "web-api is managed by Flux Kustomization flux-system/apps: change the image in git (or suspend the Kustomization), or set kubernetes.allow_gitops_override: true"},
		{name: "flux helm release", labels: map[string]string{FluxHelmLabel: "shop", FluxHelmNSLabel: "apps", ManagedByLabel: "Helm",
			DefaultArgoCDInstanceLabel: "shop"}, refusal: "web-api is managed by Flux HelmRelease apps/shop: change the image in git (or suspend the HelmRelease)"},
		{name: "helm with the default instance label", labels: helm,
			note: "web-api is managed by Helm release shop: the next helm upgrade sets its own image again (if Argo CD deploys it"},
		{name: "helm with the instance label configured", labels: helm, label: DefaultArgoCDInstanceLabel,
			refusal: "web-api is managed by Argo CD application shop: use target kind argocd"},
		{name: "helm by its release annotation", labels: map[string]string{ManagedByLabel: "Helm"},
			ann:  map[string]string{HelmReleaseAnnotation: "shop"},
			note: "web-api is managed by Helm release shop: the next helm upgrade sets its own image again"},
		{name: "nobody", labels: map[string]string{"team": "shop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{gitopsSeed(tt.labels, tt.ann)}, config: func(cfg *Config) {
				cfg.Workloads = []Workload{{"web-api", "app"}}
				cfg.GitOps = GitOps{InstanceLabel: tt.label, Applications: apps}
			}})
			notes, err := c.dep.CheckNotes(context.Background(), c.artifact(t, "v1"))
			if tt.refusal != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.refusal)
				var owned *OwnedError
				assert.ErrorAs(t, err, &owned)
				return
			}
			require.NoError(t, err)
			if tt.note == "" {
				assert.Empty(t, notes)
				return
			}
			require.Len(t, notes, 1)
			assert.Contains(t, notes[0], tt.note)
		})
	}
}

func TestGitOpsOverride(t *testing.T) {
	ctx := context.Background()
	apps := applications(application("argocd", "shop-api", map[string]any{"selfHeal": true}))
	tracked := gitopsSeed(nil, map[string]string{ArgoCDTrackingAnnotation: "shop-api:apps/Deployment:prod/web-api"})
	setup := func(allow bool) func(*Config) {
		return func(cfg *Config) {
			cfg.Workloads = []Workload{{"web-api", "app"}}
			cfg.GitOps = GitOps{AllowOverride: allow, Applications: apps}
		}
	}

	t.Run("refused: nothing is patched", func(t *testing.T) {
		c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{tracked}, config: setup(false)})
		a := c.artifact(t, "v1")
		err := c.dep.Deploy(ctx, request(a, 1))
		require.Error(t, err, "a deploy that skipped the check refuses too")
		assert.Contains(t, err.Error(), "managed by Argo CD application shop-api (self-heal on)")
		assert.Empty(t, patches(c))
		assert.Equal(t, seedImage, c.image(t, "web-api", "app"))
	})
	t.Run("allowed: the card's note, then the patch", func(t *testing.T) {
		c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{tracked}, config: setup(true)})
		a := c.artifact(t, "v1")
		notes, err := c.dep.CheckNotes(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, []string{"web-api is managed by Argo CD application shop-api (self-heal on): deploying anyway " +
			"because kubernetes.allow_gitops_override is true; pause its sync first, or it puts its own image back"}, notes)
		require.NoError(t, c.dep.Deploy(ctx, request(a, 1)))
		assert.Equal(t, a.Ref, c.image(t, "web-api", "app"))
		assert.Len(t, patches(c), 1)
	})
	t.Run("owners for config check", func(t *testing.T) {
		c := newCluster(t, clusterOpts{seeds: []kubesim.Seed{tracked}, config: setup(false)})
		owners, err := c.dep.Owners(ctx)
		require.NoError(t, err)
		assert.Equal(t, []Owner{{Deployment: "web-api", Tool: "Argo CD", What: "application shop-api",
			Policy: "self-heal on", Reconciles: true}}, owners)
	})
}
