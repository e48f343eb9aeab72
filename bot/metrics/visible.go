package metrics

import (
	"time"

	"github.com/dingops/dingops/core"
	"github.com/prometheus/client_golang/prometheus"
)

// UserVisible records, per app and target kind, how long a confirmed
// deploy took from the switch to users being served the new artifact
// (core.Config.Observe; docs/benchmarks.md). A nil *Metrics records nothing.
func (m *Metrics) UserVisible() func(core.Release, time.Duration) {
	if m == nil {
		return nil
	}
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "deploy_user_visible_seconds",
		Help:    "Time from a deploy's switch to users being served the new artifact, per app and target kind.",
		Buckets: prometheus.ExponentialBuckets(0.5, 2, 12)}, // 0.5 s … ~17 min
		[]string{"app", "kind"})
	m.reg.MustRegister(h)
	return func(r core.Release, took time.Duration) {
		h.WithLabelValues(r.App, string(r.Artifact.Kind)).Observe(took.Seconds())
	}
}
