package alerts

import (
	"sort"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// Wiring is what a configuration says about alerts, mapped to the values
// the engine, the service and the prober take; the assembly copies
// Settings[app] into core.App.Alerts.
type Wiring struct {
	Settings   map[string]core.AlertSettings
	AppLabel   string
	Kubernetes []KubeApp
	Probes     []Probe
}

// FromConfig maps a validated configuration: watch, on_alert,
// alert_tell (teams resolved to staff ids) and alert_quiet per app, the
// Kubernetes apps' namespaces and deployments, and the health probes.
func FromConfig(cfg *configs.Config) Wiring {
	w := Wiring{Settings: map[string]core.AlertSettings{}, AppLabel: cfg.Alerts.AppLabel}
	names := make([]string, 0, len(cfg.Apps))
	for n := range cfg.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := cfg.Apps[n]
		s := core.AlertSettings{Policy: core.AlertPolicy(a.OnAlert), Quiet: a.AlertQuiet, Tell: cfg.Members(a.AlertTell)}
		if a.Watch != nil {
			s.Watch = a.Watch.For.Std()
			if h := a.Watch.Health; h != nil {
				w.Probes = append(w.Probes, Probe{App: n, URL: h.URL, Expect: h.Expect, Interval: h.Interval.Std(),
					Timeout: h.Timeout.Std(), Failures: h.Failures, Watch: s.Watch})
			}
		}
		w.Settings[n] = s
		if k := a.Target.Kubernetes; k != nil {
			ka := KubeApp{App: n, Namespace: k.Namespace}
			for _, d := range k.Deployments {
				ka.Deployments = append(ka.Deployments, d.Deployment)
			}
			w.Kubernetes = append(w.Kubernetes, ka)
		}
	}
	return w
}
