package doctor_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/argocd"
	"github.com/dingops/dingops/adapters/argocd/argocdemu"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/bot/doctor"
)

func TestArgoCDTokenWithoutSync(t *testing.T) {
	const img = "reg.example/team/web:v0"
	sim, err := kubesim.New(kubesim.Options{Interval: 2 * time.Millisecond, Deployments: []kubesim.Seed{{Namespace: "prod", Name: "web",
		Annotations: map[string]string{kubernetes.ArgoCDTrackingAnnotation: "web:apps/Deployment:prod/web"},
		Containers:  []kubesim.Container{{Name: "app", Image: img}}}}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sim.Close() })
	e, err := argocdemu.New(argocdemu.Options{Sim: sim, Interval: 2 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, e.AddApp(argocdemu.AppSeed{Name: "web", Project: "shop", Dest: "prod", Deployment: "web", Container: "app",
		Image: img, Sources: []argocdemu.Source{{RepoURL: "https://git.example/shop/deploy.git", Path: "web",
			TargetRevision: "main", Kustomize: &argocdemu.Kustomize{}}}}))
	e.AddToken("tok-all", "proj:shop:deployer", argocdemu.Grant{Action: "get", Object: "shop/*"},
		argocdemu.Grant{Action: "update", Object: "shop/web"}, argocdemu.Grant{Action: "sync", Object: "shop/web"})
	e.AddToken("tok-nosync", "proj:shop:editor", argocdemu.Grant{Action: "get", Object: "shop/*"},
		argocdemu.Grant{Action: "update", Object: "shop/web"})
	require.NoError(t, e.Start(context.Background(), ""))
	t.Cleanup(func() { _ = e.Close() })
	probe := func(token string) doctor.Result {
		d, err := argocd.New(argocd.Config{Server: e.URL(), Token: token, Application: "web", Project: "shop",
			Image: argocd.Image{Repository: "reg.example/team/web"}, Timeout: 5 * time.Second})
		require.NoError(t, err)
		return find(t, doctor.ArgoCDChecks("web", d.Probe, "shop/web"), "application")
	}
	assert.Equal(t, doctor.OK, probe("tok-all").Status)
	r := probe("tok-nosync")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Detail, "may not sync")
	assert.Contains(t, r.Detail, "applications, sync, shop/web, allow")
}
