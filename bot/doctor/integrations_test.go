package doctor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/oss/ossemu"
	"github.com/dingops/dingops/bot/doctor"
)

// find runs checks and returns the result whose name contains name.
func find(t *testing.T, checks []doctor.Check, name string) doctor.Result {
	t.Helper()
	for _, r := range doctor.Run(context.Background(), checks, 5*time.Second) {
		if strings.Contains(r.Name, name) {
			return r
		}
	}
	t.Fatalf("no check named %q", name)
	return doctor.Result{}
}

func TestDingTalkWithheldPermission(t *testing.T) {
	emu := dingtalkemu.New(dingtalkemu.Options{})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	c, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	setup := doctor.DingTalkSetup{ClientID: "x", SecretEnv: "DT_SECRET", SecretSet: true, MiniApps: map[string]string{"mini": "9001"}}
	assert.Equal(t, doctor.OK, find(t, doctor.DingTalkChecks(c, setup), "access token").Status)
	assert.Equal(t, doctor.OK, find(t, doctor.DingTalkChecks(c, setup), "stream").Status)

	emu.Withhold(dingtalk.ScopeMicroAppList)
	r := find(t, doctor.DingTalkChecks(c, setup), "mini program")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "企业已安装的应用列表查询权限 (qyapi_get_microapp_list)")
	assert.Contains(t, r.Fix, "权限管理")

	setup.SecretSet = false
	r = find(t, doctor.DingTalkChecks(c, setup), "client secret")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Detail, "DT_SECRET")
}

func TestDingTalkWrongSecretAndUnreachable(t *testing.T) {
	emu := dingtalkemu.New(dingtalkemu.Options{})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	cfg := emu.ClientConfig()
	cfg.ClientSecret = "wrong"
	c, err := dingtalk.New(cfg)
	require.NoError(t, err)
	setup := doctor.DingTalkSetup{ClientID: cfg.ClientID, SecretEnv: "DT_SECRET", SecretSet: true}
	r := find(t, doctor.DingTalkChecks(c, setup), "access token")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "DT_SECRET")

	cfg = emu.ClientConfig()
	cfg.Endpoint, cfg.StreamHost = "127.0.0.1:1", "http://127.0.0.1:1"
	c, err = dingtalk.New(cfg)
	require.NoError(t, err)
	r = find(t, doctor.DingTalkChecks(c, setup), "stream")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.NotContains(t, r.Detail, "\n")
	assert.Contains(t, r.Fix, "reach")
}

func TestOSSDeniedAction(t *testing.T) {
	emu := ossemu.New(ossemu.Options{Buckets: []string{"shop-b"}, Region: "cn-hangzhou", Credentials: map[string]string{"LTAIx": "sk-canary"}})
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	emu.Seed("shop-b", "web/manifest.abc.json", []byte(`{}`), nil)
	emu.Seed("shop-b", "web/manifest.json", []byte(`{}`), map[string][]string{"X-Oss-Meta-Dingops-Source": {"web/manifest.abc.json"},
		"Content-Type": {"application/json"}})
	d, err := oss.Open(oss.Config{App: "web", Endpoint: emu.URL(), Region: "cn-hangzhou", Bucket: "shop-b", AccessKeyID: "LTAIx",
		AccessKeySecret: "sk-canary", ManifestKey: "web/manifest.json", ManifestPattern: "web/manifest.*.json",
		Timeout: 5 * time.Second, Backoff: time.Millisecond})
	require.NoError(t, err)
	for _, name := range []string{"fixed key", "live hashed manifest", "write"} {
		assert.Equal(t, doctor.OK, find(t, doctor.OSSChecks("web", d, "LTAIx", true), name).Status, name)
	}
	emu.Deny("oss:PutObject")
	r := find(t, doctor.OSSChecks("web", d, "LTAIx", true), "write")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "oss:PutObject")
	assert.Contains(t, r.Fix, "acs:oss:*:*:shop-b/web/manifest.json")
	emu.Deny("oss:GetObject")
	r = find(t, doctor.OSSChecks("web", d, "LTAIx", false), "fixed key")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "oss:GetObject")
}

func TestKubernetesForbiddenVerb(t *testing.T) {
	sim, err := kubesim.New(kubesim.Options{Deployments: []kubesim.Seed{{Namespace: "shop", Name: "api",
		Containers: []kubesim.Container{{Name: "api", Image: "reg.example/shop/api:1"}}}}})
	require.NoError(t, err)
	cs := sim.Clientset()
	d, err := kubernetes.New(kubernetes.Config{Namespace: "shop", Workloads: []kubernetes.Workload{{Deployment: "api", Container: "api"}}}, cs)
	require.NoError(t, err)
	canI := func(ctx context.Context, a kubernetes.Access) (bool, string, error) {
		return kubernetes.CanI(ctx, cs, a)
	}
	setup := doctor.KubeSetup{Namespace: "shop", Deployments: []string{"api"}}
	for _, name := range []string{"deployments", "get deployments", "patch deployments", "GitOps"} {
		assert.Equal(t, doctor.OK, find(t, doctor.KubeChecks("api", d, canI, setup), name).Status, name)
	}
	sim.Forbid("patch", "deployments")
	r := find(t, doctor.KubeChecks("api", d, canI, setup), "patch deployments")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, `"patch"`)
	assert.Contains(t, r.Fix, "namespace shop")

	d2, err := kubernetes.New(kubernetes.Config{Namespace: "shop", Workloads: []kubernetes.Workload{{Deployment: "api", Container: "nope"}}}, cs)
	require.NoError(t, err)
	assert.Equal(t, doctor.Fail, find(t, doctor.KubeChecks("api", d2, canI, setup), "deployments").Status)
}

func TestJenkinsMissingParameterAndBadToken(t *testing.T) {
	emu := jenkinsemu.New(jenkinsemu.Options{Users: map[string]string{"dingops": "tok-canary"}})
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	require.NoError(t, emu.AddJob("shop/web", jenkinsemu.JobOptions{}))
	var params []string
	for _, p := range jenkinsemu.DingopsParameters() {
		if p != "DINGOPS_COMMIT" {
			params = append(params, p)
		}
	}
	require.NoError(t, emu.AddJob("shop/api", jenkinsemu.JobOptions{Parameters: params}))
	b, err := jenkins.New(jenkins.Config{URL: emu.URL(), User: "dingops", Token: "tok-canary", RequestTimeout: 5 * time.Second})
	require.NoError(t, err)
	s := doctor.JenkinsSetup{URL: emu.URL(), User: "dingops", TokenEnv: "JT", TokenSet: true,
		Jobs: map[string][]string{"shop/web": {"web"}, "shop/api": {"api"}, "shop/gone": {"gone"}}}
	assert.Equal(t, doctor.OK, find(t, doctor.JenkinsChecks(b, s), "auth").Status)
	assert.Equal(t, doctor.OK, find(t, doctor.JenkinsChecks(b, s), "crumb").Status)
	assert.Equal(t, doctor.OK, find(t, doctor.JenkinsChecks(b, s), "shop/web").Status)
	r := find(t, doctor.JenkinsChecks(b, s), "shop/api")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "DINGOPS_COMMIT")
	r = find(t, doctor.JenkinsChecks(b, s), "shop/gone")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "create the job shop/gone")

	bad, err := jenkins.New(jenkins.Config{URL: emu.URL(), User: "dingops", Token: "wrong", RequestTimeout: 5 * time.Second})
	require.NoError(t, err)
	r = find(t, doctor.JenkinsChecks(bad, s), "auth")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "JT")
}

func TestCardCheckCreatesAndUpdatesAndNamesTheCardPermission(t *testing.T) {
	emu := dingtalkemu.New(dingtalkemu.Options{})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	c, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	check := doctor.CardCheck(c, "tpl.schema", "cidOps==", []string{"title", "status_text"})
	r := find(t, []doctor.Check{check}, "card template")
	assert.Equal(t, doctor.OK, r.Status, r.Detail)
	emu.Withhold(dingtalk.ScopeCardInstanceWrite)
	r = find(t, []doctor.Check{check}, "card template")
	assert.Equal(t, doctor.Fail, r.Status)
	assert.Contains(t, r.Fix, "互动卡片实例写权限 (Card.Instance.Write)")
}
