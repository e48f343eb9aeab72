package miniapp_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/deploytest"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/core"
)

const (
	agent = "3001"
	admin = "union-admin"
)

type fixture struct {
	emu      *dingtalkemu.Server
	d        *miniapp.Deployer
	versions []core.Artifact // uploaded, oldest first
}

// newFixture installs a mini program with versions 1.0.0, 1.1.0, 1.2.0 and
// nothing online.
func newFixture(t *testing.T, cfg miniapp.Config) fixture {
	t.Helper()
	emu := dingtalkemu.New(dingtalkemu.Options{})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: agent, MiniAppID: "5000123", Name: "审批小程序", Admins: []string{admin}})
	f := fixture{emu: emu}
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
		id, err := emu.UploadMiniAppVersion(agent, v)
		require.NoError(t, err)
		f.versions = append(f.versions, core.Artifact{Kind: miniapp.Kind, Ref: strconv.FormatInt(id, 10), Display: v})
	}
	client, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	if cfg.App == "" {
		cfg = miniapp.Config{App: "approve-mp", AgentID: agent, OpUnionID: admin, PageSize: 2}
	}
	f.d, err = miniapp.New(cfg, client)
	require.NoError(t, err)
	return f
}

func (f fixture) deploy(t *testing.T, a core.Artifact) (string, error) {
	var log bytes.Buffer
	err := f.d.Deploy(context.Background(), core.DeployRequest{App: "approve-mp", ReleaseID: 1, Version: 1,
		Kind: core.KindRollback, Artifact: a, Log: &log})
	return log.String(), err
}

func TestContract(t *testing.T) {
	deploytest.Run(t, func(t *testing.T) deploytest.Harness {
		f := newFixture(t, miniapp.Config{})
		return deploytest.Harness{
			Deployer:  f.d,
			App:       "approve-mp",
			Artifacts: [2]core.Artifact{f.versions[0], f.versions[1]},
			Missing:   core.Artifact{Kind: miniapp.Kind, Ref: "987654321", Display: "9.9.9"},
			FailNext: func(cause string) {
				fault := dingtalkemu.Fault{Status: http.StatusInternalServerError, Code: "systemBusy", Message: cause}
				f.emu.InjectError(dingtalk.APIPublishMiniApp, 1, fault)
				f.emu.InjectError(dingtalk.APIRollbackMiniApp, 1, fault)
			},
			HangNext: func() {
				f.emu.HangNext(dingtalk.APIPublishMiniApp, 1)
				f.emu.HangNext(dingtalk.APIRollbackMiniApp, 1)
			},
			LandNext: func() {
				f.emu.LandNext(dingtalk.APIPublishMiniApp, 1)
				f.emu.LandNext(dingtalk.APIRollbackMiniApp, 1)
			},
		}
	})
}

// TestPublishFromListRollbackFromHistory: the newest upload is in the
// version list and is published; older uploads and earlier online versions
// are only in the history and are rolled back to; the online version is
// left alone.
func TestPublishFromListRollbackFromHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, miniapp.Config{})
	log, err := f.deploy(t, f.versions[2])
	require.NoError(t, err)
	assert.Contains(t, log, "publishing mini program approve-mp version 1.2.0", "the development version: a publish")

	log, err = f.deploy(t, f.versions[0])
	require.NoError(t, err)
	assert.Contains(t, log, "rolling back to mini program approve-mp version 1.0.0", "a history version: a rollback")

	log, err = f.deploy(t, f.versions[1])
	require.NoError(t, err)
	assert.Contains(t, log, "rolling back to", "an older upload is only in the history")

	n := len(f.emu.Requests())
	log, err = f.deploy(t, f.versions[1])
	require.NoError(t, err)
	assert.Contains(t, log, "already online")
	for _, r := range f.emu.Requests()[n:] {
		assert.Equal(t, http.MethodGet, r.Method, "deploying the online version changes nothing")
	}
	live, err := f.d.Live(context.Background())
	require.NoError(t, err)
	assert.Equal(t, f.versions[1], live)

	id, err := f.emu.UploadMiniAppVersion(agent, "1.3.0")
	require.NoError(t, err)
	log, err = f.deploy(t, core.Artifact{Kind: miniapp.Kind, Ref: strconv.FormatInt(id, 10), Display: "1.3.0"})
	require.NoError(t, err)
	assert.Contains(t, log, "publishing", "a new upload: a publish")
	log, err = f.deploy(t, f.versions[2])
	require.NoError(t, err)
	assert.Contains(t, log, "rolling back to", "1.2.0 was online before: a history version now")
}

// TestPublishKeepsMiniAppOnPc: publishing passes miniAppOnPc as the version
// has it; leaving it out would publish a PC-enabled version for mobile only.
func TestPublishKeepsMiniAppOnPc(t *testing.T) {
	t.Parallel()
	f := newFixture(t, miniapp.Config{})
	id, err := strconv.ParseInt(f.versions[2].Ref, 10, 64)
	require.NoError(t, err)
	require.NoError(t, f.emu.SetMiniAppOnPC(agent, id, true))
	_, err = f.deploy(t, f.versions[2])
	require.NoError(t, err)
	versions, online := f.emu.MiniAppVersions(agent)
	require.Equal(t, id, online)
	for _, v := range versions {
		if v.ID == id {
			assert.True(t, v.OnPC, "still opens on PC")
		}
	}
}

func TestNothingOnlineIsAZeroLive(t *testing.T) {
	t.Parallel()
	f := newFixture(t, miniapp.Config{})
	live, err := f.d.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.IsZero())
}

func TestOperatorWithoutRightsIsNamed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, miniapp.Config{})
	d, err := miniapp.New(miniapp.Config{App: "approve-mp", AgentID: agent, OpUnionID: "union-intern"}, mustClient(t, f.emu))
	require.NoError(t, err)
	err = d.Deploy(context.Background(), core.DeployRequest{App: "approve-mp", Artifact: f.versions[1]})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "approve-mp")
	assert.Contains(t, msg, "1.1.0")
	assert.Contains(t, msg, "operator union id union-intern lacks app-management rights")
	assert.Contains(t, msg, "noAppManagePermission")
}

func TestCheckAndResolve(t *testing.T) {
	t.Parallel()
	f := newFixture(t, miniapp.Config{})
	ctx := context.Background()
	require.NoError(t, f.d.Check(ctx, f.versions[0]), "found on the second history page")
	a, err := f.d.Resolve(ctx, f.versions[0].Ref)
	require.NoError(t, err)
	assert.Equal(t, f.versions[0], a, "Resolve fills the version string in")

	err = f.d.Check(ctx, core.Artifact{Kind: miniapp.Kind, Ref: "12"})
	assert.ErrorContains(t, err, "approve-mp appVersionId 12 is not among DingTalk's versions of agent 3001")
	assert.ErrorContains(t, err, "newest: 1.2.0 = appVersionId "+f.versions[2].Ref+", 1.1.0", "the refusal names what DingTalk has")
	assert.ErrorContains(t, f.d.Check(ctx, core.Artifact{Kind: miniapp.Kind, Ref: "v1.2"}), "not a DingTalk appVersionId")
	assert.ErrorContains(t, f.d.Check(ctx, core.Artifact{Kind: core.TargetOSS, Ref: "1"}), "cannot deploy a oss artifact")

	other, err := miniapp.New(miniapp.Config{App: "approve-mp", AgentID: agent, OpUnionID: admin, MiniAppID: "999"}, mustClient(t, f.emu))
	require.NoError(t, err)
	assert.ErrorContains(t, other.Check(ctx, f.versions[0]), "belongs to mini program 5000123")
}

func TestH5AppIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, miniapp.Config{})
	f.emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: "h5", H5: true, Admins: []string{admin}})
	d, err := miniapp.New(miniapp.Config{App: "portal", AgentID: "h5", OpUnionID: admin}, mustClient(t, f.emu))
	require.NoError(t, err)
	err = d.Check(context.Background(), f.versions[0])
	assert.ErrorContains(t, err, "appTypeNotSupport")
	assert.ErrorContains(t, err, "portal")
}

func TestConfigRequired(t *testing.T) {
	_, err := miniapp.New(miniapp.Config{App: "x", AgentID: "1"}, nil)
	assert.Error(t, err)
}

func mustClient(t *testing.T, emu *dingtalkemu.Server) *dingtalk.Client {
	c, err := dingtalk.New(emu.ClientConfig())
	require.NoError(t, err)
	return c
}
