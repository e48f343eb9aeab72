package system

import (
	"github.com/dingops/dingops/bot/alerts"
	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/bot/stream"
	"github.com/dingops/dingops/bot/web"
)

// alertIntake builds the alert service behind the web listener's alert
// endpoints (docs/alerts.md) and, when apps have health probes, the
// prober that turns failing probes into alerts. tr is nil without
// DingTalk: alerts are then recorded and decided, nothing is posted.
func (p *parts) alertIntake(sys *System, tr *stream.Transport, wcfg *web.Config) error {
	aw := alerts.FromConfig(p.cfg)
	cfg := alerts.Config{Engine: sys.Engine, Bot: sys.Bot, AppLabel: aw.AppLabel, Kubernetes: aw.Kubernetes,
		Logger: p.log}
	if p.metrics != nil {
		cfg.Observer = metrics.NewAlertMetrics(p.metrics)
	}
	if tr != nil { // a nil *stream.Transport in the interface would be called
		cfg.Sink = tr
	}
	svc, err := alerts.New(cfg)
	if err != nil {
		return err
	}
	wcfg.Alerts = svc
	if len(aw.Probes) > 0 {
		sys.Services = append(sys.Services, alerts.NewProber(aw.Probes, sys.Store, svc, p.clock, p.log))
	}
	return nil
}
