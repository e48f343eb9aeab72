package playground

import (
	"encoding/json"
	"time"
)

// The Alertmanager webhook body, version 4, as Alertmanager sends it:
// notify/webhook/webhook.go (type Message) around template/template.go
// (types Data and Alert) of prometheus/alertmanager; docs/alerts.md.
type amMessage struct {
	Receiver          string            `json:"receiver"`
	Status            string            `json:"status"`
	Alerts            []amAlert         `json:"alerts"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   uint64            `json:"truncatedAlerts"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// alertName is the alert rule the playground's Alertmanager fires.
const alertName = "HighErrorRate"

// alertmanagerBody is the body of one firing or resolved alert of app's
// episode: startsAt is the episode's, endsAt is now on a resolve and the
// zero time (as Alertmanager writes it) while firing.
func alertmanagerBody(app, status string, e *episode, now time.Time) []byte {
	labels := map[string]string{"alertname": alertName, "severity": "critical", "dingops_app": app, "job": app}
	a := amAlert{Status: status, Labels: labels, Annotations: map[string]string{"summary": "5xx above 5% on " + app},
		StartsAt: e.startsAt, GeneratorURL: "http://prometheus.playground.local:9090/graph?g0.expr=job%3A" + app +
			"%3Aerror_rate5m+%3E+0.05", Fingerprint: e.fingerprint}
	if status == "resolved" {
		a.EndsAt = now.UTC()
	}
	group := map[string]string{"alertname": alertName, "dingops_app": app}
	body, _ := json.Marshal(amMessage{Receiver: "dingops", Status: status, Alerts: []amAlert{a}, GroupLabels: group,
		CommonLabels: labels, CommonAnnotations: a.Annotations, ExternalURL: "http://alertmanager.playground.local:9093",
		Version: "4", GroupKey: `{}/{dingops_app=~".+"}:{alertname="` + alertName + `", dingops_app="` + app + `"}`})
	return body
}
