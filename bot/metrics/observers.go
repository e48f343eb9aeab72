package metrics

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// ReconnectCounter is a stream transport that counts its own reconnections
// (bot/stream's Transport does).
type ReconnectCounter interface {
	Reconnects() int64
}

// streamCollector exports dingops_stream_reconnects_total from its own
// count plus any watched transports, and dingops_stream_connected for
// transports that can tell. It is a collector rather than a Counter because
// a watched transport's count is read, not pushed.
type streamCollector struct {
	own       atomic.Int64
	mu        sync.Mutex
	watched   []ReconnectCounter
	reconnect *prometheus.Desc
	connected *prometheus.Desc
}

func newStreamCollector() *streamCollector {
	return &streamCollector{
		reconnect: prometheus.NewDesc(Namespace+"_stream_reconnects_total",
			"Reconnections of the DingTalk stream after the first connection.", nil, nil),
		connected: prometheus.NewDesc(Namespace+"_stream_connected",
			"1 while the DingTalk stream connection is up (only when a transport is watched).", nil, nil),
	}
}

func (c *streamCollector) inc() { c.own.Add(1) }

func (c *streamCollector) watch(s ReconnectCounter) {
	c.mu.Lock()
	c.watched = append(c.watched, s)
	c.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (c *streamCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.reconnect
	ch <- c.connected
}

// Collect implements prometheus.Collector.
func (c *streamCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	watched := append([]ReconnectCounter(nil), c.watched...)
	c.mu.Unlock()
	total, up, anyConn := c.own.Load(), 0.0, false
	for _, s := range watched {
		total += s.Reconnects()
		if cs, ok := s.(interface{ Connected() bool }); ok {
			anyConn = true
			if cs.Connected() {
				up = 1
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(c.reconnect, prometheus.CounterValue, float64(total))
	if anyConn {
		ch <- prometheus.MustNewConstMetric(c.connected, prometheus.GaugeValue, up)
	}
}
