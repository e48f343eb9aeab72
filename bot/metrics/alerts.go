package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// AlertMetrics counts alert-driven recovery (docs/alerts.md): alerts
// received by source and outcome, and how long an alert took to become a
// card in the app's chats. A nil *AlertMetrics counts nothing.
type AlertMetrics struct {
	received *prometheus.CounterVec
	toCard   prometheus.Histogram
}

// NewAlertMetrics adds the alert collectors to m's registry; call it once
// per Metrics.
func NewAlertMetrics(m *Metrics) *AlertMetrics {
	a := &AlertMetrics{
		received: counter("alerts_received_total", "Alerts received, by source (alertmanager, generic, health) and "+
			"outcome (suggested, added, requested, auto, repeat, resolved, unattributed, held, refused, rejected).",
			"source", "outcome"),
		toCard: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: "alert_to_card_seconds",
			Help:    "Time from an alert's arrival to its suggestion or approval card being sent to DingTalk.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}), // 1 ms … ~8 s
	}
	m.reg.MustRegister(a.received, a.toCard)
	return a
}

// AlertReceived counts one alert; outcome is a core.AlertOutcome, or
// "rejected" for one the intake refused.
func (a *AlertMetrics) AlertReceived(source, outcome string) {
	if a != nil {
		a.received.WithLabelValues(source, outcome).Inc()
	}
}

// AlertCard records how long an alert took to become a card.
func (a *AlertMetrics) AlertCard(took time.Duration) {
	if a != nil {
		a.toCard.Observe(took.Seconds())
	}
}
