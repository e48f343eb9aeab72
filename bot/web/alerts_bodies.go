package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/dingops/dingops/core"
)

// alertmanagerBody is the Alertmanager webhook body, version 4: the
// notifier's Message (version, groupKey, truncatedAlerts) around the
// template Data (receiver, status, alerts, groupLabels, commonLabels,
// commonAnnotations, externalURL). Source: prometheus/alertmanager,
// notify/webhook/webhook.go (type Message) and template/template.go (types
// Data and Alert); the field names are their JSON tags. Unknown fields are
// refused, so a body of another shape fails loudly instead of half-read.
type alertmanagerBody struct {
	Version           string              `json:"version"`
	GroupKey          string              `json:"groupKey"`
	TruncatedAlerts   uint64              `json:"truncatedAlerts"`
	Receiver          string              `json:"receiver"`
	Status            string              `json:"status"`
	Alerts            []alertmanagerAlert `json:"alerts"`
	GroupLabels       map[string]string   `json:"groupLabels"`
	CommonLabels      map[string]string   `json:"commonLabels"`
	CommonAnnotations map[string]string   `json:"commonAnnotations"`
	ExternalURL       string              `json:"externalURL"`
}

// alertmanagerAlert is template.Alert.
type alertmanagerAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// genericAlertBody is POST /api/v1/alerts: one alert from CloudMonitor,
// ARMS, SLS, Grafana or a script (docs/alerts.md).
type genericAlertBody struct {
	App      string     `json:"app"`    // required
	Title    string     `json:"title"`  // required
	Status   string     `json:"status"` // required: firing or resolved
	ID       string     `json:"id"`     // required: the same for the firing and the resolve of one alert
	Severity string     `json:"severity"`
	URL      string     `json:"url"`
	StartsAt *time.Time `json:"starts_at"` // RFC 3339; tells apart episodes of one id
	Source   string     `json:"source"`    // default generic; e.g. cloudmonitor, arms
}

// maxAlertsPerBody bounds one Alertmanager body.
const maxAlertsPerBody = 500

func (s *Server) postAlertmanager(w http.ResponseWriter, r *http.Request) {
	const source = "alertmanager"
	var b alertmanagerBody
	if status, msg := readStrictJSON(w, r, s.alertMaxBody(), &b); status != 0 {
		s.rejectAlert(w, r, source, status, msg)
		return
	}
	alerts, status, msg := s.alertmanagerAlerts(b)
	if status != 0 {
		s.rejectAlert(w, r, source, status, msg)
		return
	}
	s.receiveAlerts(w, r, alerts)
}

// alertmanagerAlerts checks a body and maps each alert to an app; one bad
// alert refuses the whole body, so nothing of it is recorded.
func (s *Server) alertmanagerAlerts(b alertmanagerBody) ([]core.Alert, int, string) {
	switch {
	case b.Version != "4":
		return nil, http.StatusBadRequest, fmt.Sprintf("version %q: dingops reads Alertmanager webhook version 4", b.Version)
	case len(b.Alerts) == 0:
		return nil, http.StatusBadRequest, "the body has no alerts"
	case len(b.Alerts) > maxAlertsPerBody:
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("%d alerts in one body; at most %d (set max_alerts)",
			len(b.Alerts), maxAlertsPerBody)
	}
	out := make([]core.Alert, 0, len(b.Alerts))
	for i, x := range b.Alerts {
		title := x.Labels["alertname"]
		a := core.Alert{Source: "alertmanager", ID: x.Fingerprint, App: s.cfg.Alerts.AppOf(x.Labels), Title: title,
			Severity: x.Labels["severity"], Status: core.AlertStatus(x.Status), URL: x.GeneratorURL, StartsAt: x.StartsAt}
		if x.EndsAt.After(x.StartsAt) {
			a.EndsAt = x.EndsAt
		}
		where := fmt.Sprintf("alerts[%d] (%s)", i, title)
		if status, msg := s.checkAlert(where, a); status != 0 {
			return nil, status, msg
		}
		if a.StartsAt.IsZero() {
			return nil, http.StatusBadRequest, where + ": startsAt is required"
		}
		out = append(out, a)
	}
	return out, 0, ""
}

func (s *Server) postGenericAlert(w http.ResponseWriter, r *http.Request) {
	var b genericAlertBody
	if status, msg := readStrictJSON(w, r, s.alertMaxBody(), &b); status != 0 {
		s.rejectAlert(w, r, "generic", status, msg)
		return
	}
	if b.Source == "" {
		b.Source = "generic"
	}
	if !sourceName.MatchString(b.Source) {
		s.rejectAlert(w, r, "generic", http.StatusBadRequest,
			fmt.Sprintf("source %q: use 1 to 32 lower-case letters, digits, - or _", b.Source))
		return
	}
	a := core.Alert{Source: b.Source, ID: b.ID, App: b.App, Title: b.Title, Severity: b.Severity,
		Status: core.AlertStatus(b.Status), URL: b.URL}
	if b.StartsAt != nil {
		a.StartsAt = *b.StartsAt
	}
	status, msg := s.checkAlert("alert", a)
	if status == 0 && b.Title == "" {
		status, msg = http.StatusBadRequest, "alert: title is required"
	}
	if status != 0 {
		s.rejectAlert(w, r, b.Source, status, msg)
		return
	}
	s.receiveAlerts(w, r, []core.Alert{a})
}

func (s *Server) alertMaxBody() int64 {
	if s.cfg.AlertMaxBody > 0 {
		return s.cfg.AlertMaxBody
	}
	return defaultAlertMaxBody
}
