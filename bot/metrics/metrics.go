// Package metrics holds dingops's Prometheus collectors: commands,
// approvals, releases and rollbacks with their timings, the DingTalk stream
// and OpenAPI, announcements and lock waits. It counts through decorators of
// the engine's ports (Notifier, LockStore, AuditLog), so the engine stays
// free of metrics code, and through methods (CommandHandled, OpenAPICall,
// AnnouncementSent, …) that match the one-method observer interfaces the
// transports and clients declare for themselves.
//
// Every collector lives on the Metrics' own registry, never the global one,
// so tests and the playground can build as many as they like.
package metrics

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every dingops metric.
const Namespace = "dingops"

// Command outcomes for CommandHandled.
const (
	OutcomeOK      = "ok"      // the command did what was asked
	OutcomeRefused = "refused" // a refusal or usage error shown to the user
	OutcomeError   = "error"   // breakage: "internal error, reference …"
)

// Config tunes New.
type Config struct {
	Version string // exported as dingops_build_info{version}
	// Runtime adds the Go runtime and process collectors (production);
	// tests leave it off.
	Runtime bool
}

// Metrics is the set of dingops collectors on one registry. It is safe for
// concurrent use.
type Metrics struct {
	reg            *prometheus.Registry
	commands       *prometheus.CounterVec
	approvals      *prometheus.CounterVec
	releases       *prometheus.CounterVec
	approvalToLive *prometheus.HistogramVec
	rollout        *prometheus.HistogramVec
	openapiLatency *prometheus.HistogramVec
	openapiErrors  *prometheus.CounterVec
	announcements  *prometheus.CounterVec
	lockWaits      *prometheus.CounterVec
	stream         *streamCollector

	mu        sync.Mutex
	deploying map[int64]time.Time // release id → when its deploy started here
}

// New builds the collectors and registers them.
func New(cfg Config) *Metrics {
	slow := prometheus.ExponentialBuckets(0.25, 2, 15) // 0.25 s … ~68 min
	m := &Metrics{reg: prometheus.NewRegistry(), deploying: map[int64]time.Time{},
		commands: counter("commands_total", "Chat commands handled, by command and outcome (ok, refused, error).",
			"command", "outcome"),
		approvals: counter("approvals_total", "Approval decisions recorded, by decision (approve, reject).", "decision"),
		releases: counter("releases_total", "Releases and rollbacks that ended, by app, kind (release, rollback) and "+
			"outcome (succeeded, failed, cancelled, rejected, expired, recorded).", "app", "kind", "outcome"),
		approvalToLive: histogram("approval_to_live_seconds", "Time from a release's approval to its artifact being live.",
			slow, "app", "kind"),
		rollout: histogram("rollout_duration_seconds", "Time from the start of a deploy to its end, by outcome.",
			slow, "app", "kind", "outcome"),
		openapiLatency: histogram("openapi_request_duration_seconds", "DingTalk OpenAPI call latency, by API.",
			prometheus.DefBuckets, "api"),
		openapiErrors: counter("openapi_errors_total", "DingTalk OpenAPI calls that failed, by API.", "api"),
		announcements: counter("announcements_total", "Scheduled announcements, by kind and outcome (sent, failed).",
			"kind", "outcome"),
		lockWaits: counter("lock_waits_total", "Claims of an approved release that found another release running on "+
			"the app; the worker retries at its next poll.", "app"),
		stream: newStreamCollector(),
	}
	m.reg.MustRegister(m.commands, m.approvals, m.releases, m.approvalToLive, m.rollout,
		m.openapiLatency, m.openapiErrors, m.announcements, m.lockWaits, m.stream)
	info := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: "build_info",
		Help: "Always 1; the version label names the running build.", ConstLabels: prometheus.Labels{"version": cfg.Version}})
	info.Set(1)
	m.reg.MustRegister(info)
	if cfg.Runtime {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
}

func histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help,
		Buckets: buckets}, labels)
}

// Registry is the registry every collector is on, for tests and for adding
// collectors of other packages.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format (the ops
// listener's /metrics).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// CommandHandled counts one chat command. command is the command table's
// name ("rollback", "status", … or "unknown" for text that did not parse),
// never free text, so the label set stays small; outcome is one of the
// Outcome constants.
func (m *Metrics) CommandHandled(command, outcome string) {
	m.commands.WithLabelValues(command, outcome).Inc()
}

// OpenAPICall times one DingTalk OpenAPI call; api is the client's constant
// name of the API (e.g. "card.UpdateCard").
func (m *Metrics) OpenAPICall(api string, took time.Duration, err error) {
	m.openapiLatency.WithLabelValues(api).Observe(took.Seconds())
	if err != nil {
		m.openapiErrors.WithLabelValues(api).Inc()
	}
}

// AnnouncementSent counts one scheduled announcement: sent when err is nil,
// failed otherwise.
func (m *Metrics) AnnouncementSent(kind string, err error) {
	outcome := "sent"
	if err != nil {
		outcome = "failed"
	}
	m.announcements.WithLabelValues(kind, outcome).Inc()
}

// LockWaited counts a claim that found app's run lock held by another
// release. The LockStore decorator calls it; it is exported for transports
// that wait on locks themselves.
func (m *Metrics) LockWaited(app string) { m.lockWaits.WithLabelValues(app).Inc() }

// StreamReconnected counts one reconnection of the DingTalk stream.
func (m *Metrics) StreamReconnected() { m.stream.inc() }

// WatchStream exports the state of a stream transport that keeps its own
// reconnect count (and, when it has Connected, a dingops_stream_connected
// gauge). Use it or StreamReconnected for one transport, not both.
func (m *Metrics) WatchStream(s ReconnectCounter) { m.stream.watch(s) }

// Families lists the dingops metric families, as docs/production.md does.
// Labelled families appear on /metrics once something was counted.
func Families() []string {
	names := []string{"build_info", "commands_total", "approvals_total", "releases_total", "approval_to_live_seconds",
		"rollout_duration_seconds", "stream_reconnects_total", "openapi_request_duration_seconds",
		"openapi_errors_total", "announcements_total", "lock_waits_total"}
	for i, n := range names {
		names[i] = Namespace + "_" + n
	}
	return names
}
