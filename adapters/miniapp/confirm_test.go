package miniapp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
)

var switchedAt = time.Date(2026, 12, 3, 10, 2, 3, 0, time.UTC)

// confirmRig is a mini program on an emulator whose clock the
// confirmation's sleeps advance, with 1.0.0 online and 1.1.0 uploaded, and
// a client-visible version endpoint that lags by delay.
type confirmRig struct {
	emu   *dingtalkemu.Server
	clock *coretest.Clock
	d     *miniapp.Deployer
	next  core.Artifact
	hits  atomic.Int32
}

func newConfirmRig(t *testing.T, delay time.Duration, probe bool) *confirmRig {
	t.Helper()
	r := &confirmRig{clock: coretest.NewClock(switchedAt)}
	r.emu = dingtalkemu.New(dingtalkemu.Options{Clock: r.clock})
	require.NoError(t, r.emu.Start())
	t.Cleanup(r.emu.Close)
	r.emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: agent, MiniAppID: "5000123", Admins: []string{admin}})
	first, err := r.emu.UploadMiniAppVersion(agent, "1.0.0")
	require.NoError(t, err)
	require.NoError(t, r.emu.SetOnlineMiniAppVersion(agent, first))
	id, err := r.emu.UploadMiniAppVersion(agent, "1.1.0")
	require.NoError(t, err)
	r.next = core.Artifact{Kind: miniapp.Kind, Ref: strconv.FormatInt(id, 10), Display: "1.1.0"}
	clients := r.emu.ClientVersionHandler(agent, delay)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		r.hits.Add(1)
		clients.ServeHTTP(w, q)
	}))
	t.Cleanup(srv.Close)
	cfg := &visible.Config{Timeout: 15 * time.Minute, Now: r.clock.Now,
		Sleep: func(_ context.Context, d time.Duration) bool { r.clock.Advance(d); return true }}
	if probe {
		cfg.Probe = &visible.Probe{URL: srv.URL}
	}
	client, err := dingtalk.New(r.emu.ClientConfig())
	require.NoError(t, err)
	r.d, err = miniapp.New(miniapp.Config{App: "approve-mp", AgentID: agent, OpUnionID: admin, Confirm: cfg}, client)
	require.NoError(t, err)
	return r
}

func (r *confirmRig) deployAndConfirm(t *testing.T) (core.Visibility, []core.Visibility) {
	t.Helper()
	req := core.DeployRequest{App: "approve-mp", ReleaseID: 2, Version: 2, Kind: core.KindRelease, Artifact: r.next}
	require.NoError(t, r.d.Deploy(context.Background(), req))
	var seen []core.Visibility
	v := r.d.ConfirmVisible(context.Background(), req, r.clock.Now(), func(v core.Visibility) { seen = append(seen, v) })
	return v, seen
}

func TestConfirmVisibleOnline(t *testing.T) {
	r := newConfirmRig(t, 0, false)
	v, _ := r.deployAndConfirm(t)
	require.True(t, v.Confirmed())
	assert.Equal(t, switchedAt, v.Served, "DingTalk reports it online at once")
	assert.Empty(t, v.Steps)
}

func TestConfirmVisibleClientsLag(t *testing.T) {
	r := newConfirmRig(t, 3*time.Minute, true)
	v, seen := r.deployAndConfirm(t)
	require.True(t, v.Confirmed())
	require.Len(t, v.Steps, 1)
	assert.Equal(t, miniapp.StepOnline, v.Steps[0].Name)
	assert.Equal(t, switchedAt, v.Steps[0].At)
	lag := v.Served.Sub(switchedAt)
	assert.GreaterOrEqual(t, lag, 3*time.Minute, "served once clients run 1.1.0")
	assert.Less(t, lag, 3*time.Minute+visible.DefaultMax, "within one poll interval of the modelled delay")
	assert.False(t, seen[len(seen)-2].Confirmed(), "the card saw it confirming first")
}

func TestConfirmVisibleClientsNeverCatchUp(t *testing.T) {
	r := newConfirmRig(t, time.Hour, true)
	v, _ := r.deployAndConfirm(t)
	assert.False(t, v.Confirmed())
	assert.True(t, v.TimedOut, "not confirmed, never a failure")
	assert.Equal(t, switchedAt.Add(15*time.Minute), r.clock.Now())
	cfg := visible.Config{Timeout: 15 * time.Minute}
	assert.LessOrEqual(t, int(r.hits.Load()), visible.Rounds(cfg), "within the poll budget")
	assert.Greater(t, int(r.hits.Load()), 10)
}
