package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/dingops/dingops/core"
)

// AlertIntake is what the alert endpoints hand checked alerts to;
// *alerts.Service (bot/alerts) implements it.
type AlertIntake interface {
	// AppOf maps labels to an app name ("" if none).
	AppOf(labels map[string]string) string
	AppLabel() string
	Known(app string) bool
	Apps() []string
	// Rejected counts a body the intake refused.
	Rejected(source string)
	Receive(ctx context.Context, alerts []core.Alert) ([]core.AlertResult, error)
}

// defaultAlertMaxBody caps an alert body: Alertmanager sends a whole group
// in one body, so it is larger than the record API's cap.
const defaultAlertMaxBody = 256 << 10

// alertFieldMax bounds every text field of an alert.
const alertFieldMax = 1024

var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

func (s *Server) alertRoutes() {
	if s.cfg.Alerts == nil {
		return
	}
	s.mux.Handle("/api/v1/alerts/alertmanager", s.api(s.writer(http.HandlerFunc(s.postAlertmanager)), http.MethodPost))
	s.mux.Handle("/api/v1/alerts", s.api(s.writer(http.HandlerFunc(s.postGenericAlert)), http.MethodPost))
}

// receiveAlerts hands checked alerts to the intake and answers with what
// became of each; nothing reaches it from a body that failed a check.
func (s *Server) receiveAlerts(w http.ResponseWriter, r *http.Request, alerts []core.Alert) {
	results, err := s.cfg.Alerts.Receive(r.Context(), alerts)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]alertResultJSON, 0, len(results))
	for _, res := range results {
		j := alertResultJSON{App: res.Record.Alert.App, ID: res.Record.Alert.ID, Status: res.Record.Alert.Status,
			Outcome: res.Outcome}
		if res.Suggestion != nil {
			j.Suggestion = res.Suggestion.ID
		}
		if res.Plan != nil {
			j.Release = int64(res.Plan.Release.ID)
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"accepted": len(out), "alerts": out})
}

type alertResultJSON struct {
	App        string            `json:"app"`
	ID         string            `json:"id"`
	Status     core.AlertStatus  `json:"status"`
	Outcome    core.AlertOutcome `json:"outcome"`
	Suggestion int64             `json:"suggestion_id,omitempty"`
	Release    int64             `json:"release_id,omitempty"`
}

// rejectAlert answers a refused body with one line and counts it.
func (s *Server) rejectAlert(w http.ResponseWriter, r *http.Request, source string, status int, msg string) {
	s.cfg.Alerts.Rejected(source)
	s.log.InfoContext(r.Context(), "alert body refused", "source", source, "status", status, "reason", msg)
	apiError(w, status, "", msg)
}

// readStrictJSON reads one JSON object of at most max bytes into v,
// refusing unknown fields; a non-zero status is the 4xx to answer with msg.
func readStrictJSON(w http.ResponseWriter, r *http.Request, max int64, v any) (int, string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return http.StatusUnsupportedMediaType, "the body must be JSON (Content-Type: application/json)"
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", max)
	}
	if err != nil {
		return http.StatusBadRequest, "reading the body: " + oneLine(err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); errors.Is(err, io.EOF) {
		return http.StatusBadRequest, "the body is empty: send a JSON object"
	} else if err != nil {
		return http.StatusBadRequest, "invalid JSON: " + oneLine(strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return http.StatusBadRequest, "invalid JSON: more than one value in the body"
	}
	return 0, ""
}

// checkAlert validates the fields every alert needs, whatever its sender.
func (s *Server) checkAlert(where string, a core.Alert) (int, string) {
	fields := map[string]string{"id": a.ID, "title": a.Title, "severity": a.Severity, "url": a.URL}
	for _, name := range []string{"id", "title", "severity", "url"} {
		v := fields[name]
		if len(v) > alertFieldMax {
			return http.StatusBadRequest, fmt.Sprintf("%s: %s is longer than %d characters", where, name, alertFieldMax)
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return http.StatusBadRequest, fmt.Sprintf("%s: %s contains control characters", where, name)
		}
	}
	switch {
	case a.ID == "":
		return http.StatusBadRequest, where + ": an id (Alertmanager: fingerprint) is required"
	case a.Status != core.AlertFiring && a.Status != core.AlertResolved:
		return http.StatusBadRequest, fmt.Sprintf("%s: status %q must be firing or resolved", where, a.Status)
	case a.App == "":
		return http.StatusUnprocessableEntity, fmt.Sprintf("%s: no app: set the label %s (or app) to one of %s",
			where, s.cfg.Alerts.AppLabel(), strings.Join(s.cfg.Alerts.Apps(), ", "))
	case !s.cfg.Alerts.Known(a.App):
		return http.StatusNotFound, fmt.Sprintf("%s: unknown app %q; apps: %s", where, a.App,
			strings.Join(s.cfg.Alerts.Apps(), ", "))
	}
	return 0, ""
}
