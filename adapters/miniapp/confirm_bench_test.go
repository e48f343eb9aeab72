package miniapp_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// benchClientLag is the modelled time clients take to pick a version up.
const benchClientLag = 100 * time.Millisecond

// BenchmarkDeployToUserVisible: deploy → user-visible on the DingTalk
// emulator, real time: a publish (or rollback) until DingTalk lists the
// version online and the client-visible endpoint, which lags by
// benchClientLag, names it. over-model-ms is served − switch − the lag:
// what the confirmation adds. Recorded in docs/benchmarks.md.
func BenchmarkDeployToUserVisible(b *testing.B) {
	emu := dingtalkemu.New(dingtalkemu.Options{})
	if err := emu.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(emu.Close)
	emu.AddMiniApp(dingtalkemu.MiniApp{AgentID: agent, MiniAppID: "5000123", Admins: []string{admin}})
	var arts []core.Artifact
	for _, v := range []string{"1.0.0", "1.1.0"} {
		id, err := emu.UploadMiniAppVersion(agent, v)
		if err != nil {
			b.Fatal(err)
		}
		arts = append(arts, core.Artifact{Kind: miniapp.Kind, Ref: strconv.FormatInt(id, 10), Display: v})
	}
	clients := httptest.NewServer(emu.ClientVersionHandler(agent, benchClientLag))
	b.Cleanup(clients.Close)
	client, err := dingtalk.New(emu.ClientConfig())
	if err != nil {
		b.Fatal(err)
	}
	d, err := miniapp.New(miniapp.Config{App: "approve-mp", AgentID: agent, OpUnionID: admin,
		Confirm: &visible.Config{First: 10 * time.Millisecond, Max: 50 * time.Millisecond, Timeout: time.Minute,
			Probe: &visible.Probe{URL: clients.URL}}}, client)
	if err != nil {
		b.Fatal(err)
	}
	var total, worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		req := core.DeployRequest{App: "approve-mp", ReleaseID: core.ReleaseID(i + 1), Version: i + 1,
			Kind: core.KindRelease, Artifact: arts[(i+1)%2]}
		if err := d.Deploy(context.Background(), req); err != nil {
			b.Fatal(err)
		}
		switched := time.Now()
		v := d.ConfirmVisible(context.Background(), req, switched, func(core.Visibility) {})
		if !v.Confirmed() {
			b.Fatal("not confirmed")
		}
		over := v.Served.Sub(switched) - benchClientLag
		total, worst = total+over, max(worst, over)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "over-model-ms")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-over-model-ms")
}
