package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

const (
	ak, sk = "LTAItest", "oss-secret"
	bucket = "web-static"
)

// ossTarget starts an OSS emulator holding two hashed manifests of web.
func ossTarget(t testing.TB) (*ossemu.Server, *oss.Deployer, [2]core.Artifact) {
	emu := ossemu.New(ossemu.Options{Buckets: []string{bucket}, Credentials: map[string]string{ak: sk}, Region: "cn-hangzhou"})
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	immutable := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"public, max-age=31536000, immutable"}}
	var arts [2]core.Artifact
	for i := range arts {
		key := fmt.Sprintf("web/manifest.h%d.json", i+1)
		o := emu.Seed(bucket, key, []byte(fmt.Sprintf(`{"main":"app.h%d.js"}`, i+1)), immutable)
		arts[i] = core.Artifact{Kind: core.TargetOSS, Ref: key, Digest: trimETag(o.ETag), Display: fmt.Sprintf("h%d", i+1)}
	}
	d, err := oss.Open(oss.Config{App: "web", Endpoint: emu.URL(), Region: "cn-hangzhou", Bucket: bucket, AccessKeyID: ak,
		AccessKeySecret: oss.Secret(sk), ManifestKey: "web/manifest.json", ManifestPattern: "web/manifest.*.json"})
	require.NoError(t, err)
	return emu, d, arts
}

func trimETag(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// engineFor builds an engine with one app on a real store; bob approves.
func engineFor(t testing.TB, s *store.Store, app string, kind core.TargetKind, d core.Deployer) *core.Engine {
	e, err := core.NewEngine(core.Config{Releases: s, Locks: s, Audit: s, Clock: core.WallClock{},
		Apps: []*core.App{{Name: app, Target: kind, Chats: []string{"cid"}, Releasers: []string{"alice"},
			Approvers: []string{"bob"}, Policy: core.DefaultPolicy()}},
		Deployers: map[string]core.Deployer{app: d}})
	require.NoError(t, err)
	return e
}

var alice = core.Actor{StaffID: "alice", Origin: core.OriginText}
var bob = core.Actor{StaffID: "bob", Origin: core.OriginCard}

// rollbackTo records two releases (the second live), rolls back to the
// first and runs it to the end.
func rollbackTo(t *testing.T, e *core.Engine, app string, d core.Deployer, arts [2]core.Artifact) core.Release {
	ctx := context.Background()
	for _, a := range arts {
		_, _, err := e.Record(ctx, core.RecordRequest{Actor: alice, App: app, Artifact: a})
		require.NoError(t, err)
	}
	require.NoError(t, d.Deploy(ctx, core.DeployRequest{App: app, ReleaseID: 2, Version: 2, Artifact: arts[1], Log: nopWriter{}}))
	p, err := e.RequestRollback(ctx, core.RollbackRequest{Actor: alice, App: app, Version: 1, Reason: "broken"})
	require.NoError(t, err)
	r, err := e.Approve(ctx, bob, p.Release.ID, "")
	require.NoError(t, err)
	require.Equal(t, core.StatusApproved, r.Status)
	require.NoError(t, e.NewWorker(core.WorkerConfig{ID: "w"}).Execute(ctx, r.ID))
	done, err := e.Release(ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, core.StatusSucceeded, done.Status, done.Error)
	return done
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

func TestOSSRollback(t *testing.T) {
	storetest.Each(t, coretest.NewClock(time.Now()), func(t *testing.T, s *store.Store) {
		emu, d, arts := ossTarget(t)
		rollbackTo(t, engineFor(t, s, "web", core.TargetOSS, d), "web", d, arts)
		fixed, ok := emu.Object(bucket, "web/manifest.json")
		require.True(t, ok)
		assert.Equal(t, `{"main":"app.h1.js"}`, string(fixed.Body), "the fixed key holds v1's manifest")
		assert.Equal(t, "no-cache", fixed.Header.Get("Cache-Control"), "never the hashed manifest's immutable caching")
		assert.Equal(t, "application/json", fixed.Header.Get("Content-Type"))
	})
}

func TestKubernetesRollback(t *testing.T) {
	storetest.Each(t, coretest.NewClock(time.Now()), func(t *testing.T, s *store.Store) {
		images := []string{"reg.example/team/api:v1", "reg.example/team/api:v2"}
		reg, err := kubesim.NewRegistry(kubesim.RegistryOptions{Images: images})
		require.NoError(t, err)
		sim, err := kubesim.New(kubesim.Options{Registry: reg, Interval: 10 * time.Millisecond, Step: 3,
			Deployments: []kubesim.Seed{{Namespace: "prod", Name: "api", Replicas: 3,
				Containers: []kubesim.Container{{Name: "api", Image: images[1]}}}}})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go sim.Start(ctx)
		defer sim.Close()
		d, err := kubernetes.New(kubernetes.Config{Namespace: "prod", PollInterval: 10 * time.Millisecond,
			Workloads: []kubernetes.Workload{{Deployment: "api", Container: "api"}}}, sim.Clientset())
		require.NoError(t, err)
		arts := [2]core.Artifact{{Kind: core.TargetContainer, Ref: images[0]}, {Kind: core.TargetContainer, Ref: images[1]}}
		r := rollbackTo(t, engineFor(t, s, "api", core.TargetContainer, d), "api", d, arts)
		view, ok := sim.Deployment("prod", "api")
		require.True(t, ok)
		assert.Equal(t, images[0], view.Containers[0].Image)
		assert.Contains(t, view.Annotations["kubernetes.io/change-cause"], fmt.Sprintf("#%d", r.ID))
		assert.Contains(t, view.Rollout, "successfully rolled out")
	})
}

func TestMiniAppRollback(t *testing.T) {
	storetest.Each(t, coretest.NewClock(time.Now()), func(t *testing.T, s *store.Store) {
		emu := dingtalkemu.New(dingtalkemu.Options{})
		require.NoError(t, emu.Start())
		defer emu.Close()
		emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: "9001", MiniAppID: "5000", Name: "approval", Admins: []string{"union-admin"}})
		var arts [2]core.Artifact
		for i, v := range []string{"1.0.0", "1.1.0"} {
			id, err := emu.UploadMiniAppVersion("9001", v)
			require.NoError(t, err)
			arts[i] = core.Artifact{Kind: core.TargetMiniApp, Ref: fmt.Sprint(id), Display: v}
		}
		client, err := dingtalk.New(emu.ClientConfig())
		require.NoError(t, err)
		d, err := miniapp.New(miniapp.Config{App: "mini", AgentID: "9001", OpUnionID: "union-admin"}, client)
		require.NoError(t, err)
		rollbackTo(t, engineFor(t, s, "mini", core.TargetMiniApp, d), "mini", d, arts)
		live, err := d.Live(context.Background())
		require.NoError(t, err)
		assert.Equal(t, arts[0].Ref, live.Ref, "the platform's online version is v1's")
	})
}
