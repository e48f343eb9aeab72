package configs

import "time"

// Alert policies an app may set in on_alert.
var alertPolicies = []string{"suggest", "request", "auto"}

func (v *validator) alertIntake() {
	v.cfg.Alerts.AppLabel = def(v.cfg.Alerts.AppLabel, "dingops_app")
}

// alerting checks an app's watch and alert policy. auto rolls back with no
// human approval, so it is refused unless the app names who is told.
func (v *validator) alerting(p string, a *App) {
	v.alertIntake()
	a.OnAlert = def(a.OnAlert, "suggest")
	if !v.oneOf(p+".on_alert", a.OnAlert, alertPolicies...) {
		return
	}
	if a.OnAlert == "auto" && len(a.AlertTell) == 0 {
		v.bad(p+".alert_tell", "is required when on_alert is auto: name the teams told when an alert rolls %s back by itself",
			p[len("apps."):])
	}
	v.refs(p+".alert_tell", a.AlertTell, keySet(v.cfg.Teams), "team")
	w := a.Watch
	if w == nil || w.For <= 0 {
		if a.OnAlert != "suggest" {
			v.bad(p+".watch.for", "is required when on_alert is %s: without a watch no alert is attributed to a release", a.OnAlert)
		}
		if w != nil && w.Health != nil {
			v.bad(p+".watch.for", "is required with watch.health: the probe runs during the watch")
		}
		return
	}
	if h := w.Health; h != nil {
		v.health(p+".watch.health", h)
	}
}

func (v *validator) health(p string, h *Health) {
	v.httpURL(p+".url", h.URL)
	if h.Expect == 0 {
		h.Expect = 200
	}
	if h.Expect < 100 || h.Expect > 599 {
		v.bad(p+".expect", "must be an HTTP status from 100 to 599, got %d", h.Expect)
	}
	if h.Failures == 0 {
		h.Failures = 3
	}
	if h.Failures < 1 {
		v.bad(p+".failures", "must be at least 1, got %d", h.Failures)
	}
	setDur(&h.Interval, 10*time.Second)
	setDur(&h.Timeout, 5*time.Second)
}
