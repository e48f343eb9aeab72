package kubernetes

import (
	"context"
	"testing"
	"time"

	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// BenchmarkDeployToUserVisible: deploy → user-visible on kubesim, real
// time. The deploy waits for the rollout, so the model adds no delay after
// it: over-model-ms is what the confirmation itself adds (its first look:
// a ReplicaSet list and a Deployment read). Recorded in docs/benchmarks.md.
func BenchmarkDeployToUserVisible(b *testing.B) {
	c := newCluster(b, clusterOpts{})
	c.dep.cfg.Confirm = &visible.Config{First: 10 * time.Millisecond, Max: 50 * time.Millisecond, Timeout: time.Minute}
	var total, worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		tag := []string{"v1", "v2"}[i%2]
		req := request(core.Artifact{Kind: core.TargetContainer, Ref: "reg.example/team/web:" + tag}, i+1)
		if err := c.dep.Deploy(context.Background(), req); err != nil {
			b.Fatal(err)
		}
		switched := time.Now()
		v := c.dep.ConfirmVisible(context.Background(), req, switched, func(core.Visibility) {})
		if !v.Confirmed() {
			b.Fatal("not confirmed")
		}
		d := v.Served.Sub(switched)
		total, worst = total+d, max(worst, d)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "over-model-ms")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-over-model-ms")
}
