package playground

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/dingops/dingops/adapters/dingtalk/dingtalkemu"
	"github.com/dingops/dingops/core"
)

// AlertState is one app's alert control on the page: whether the
// playground's Alertmanager has an alert firing for it, and what the bot
// answered last.
type AlertState struct {
	App         string    `json:"app"`
	Firing      bool      `json:"firing"`
	Since       time.Time `json:"since,omitzero"`
	Fingerprint string    `json:"fingerprint,omitempty"`
	Outcome     string    `json:"outcome,omitempty"` // the bot's outcome for the last body (suggested, repeat, resolved…)
}

// episode is one firing of an app's alert: Alertmanager keeps the
// fingerprint and startsAt of an alert from its firing to its resolve.
type episode struct {
	fingerprint string
	startsAt    time.Time
}

// alerter plays Prometheus Alertmanager for the page's "fire an alert"
// control: it posts real webhook v4 bodies to the running bot's
// /api/v1/alerts/alertmanager, as an Alertmanager receiver would.
type alerter struct {
	url   string // the bot's alert endpoint on the page's listener
	token string // the API token, when the configuration has one
	clock core.Clock
	http  *http.Client

	mu       sync.Mutex
	count    int
	episodes map[string]*episode
	outcomes map[string]string
}

func newAlerter(url, token string, clock core.Clock) *alerter {
	return &alerter{url: url, token: token, clock: clock, http: &http.Client{Timeout: 10 * time.Second},
		episodes: map[string]*episode{}, outcomes: map[string]string{}}
}

// states are the controls of every app, in apps() order.
func (a *alerter) states() []AlertState {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]AlertState, 0, len(apps()))
	for _, app := range apps() {
		s := AlertState{App: app, Outcome: a.outcomes[app]}
		if e := a.episodes[app]; e != nil {
			s.Firing, s.Since, s.Fingerprint = true, e.startsAt, e.fingerprint
		}
		out = append(out, s)
	}
	return out
}

// send fires (a new episode, or a resend of the open one, as Alertmanager
// repeats) or resolves the app's alert, and returns the bot's status and
// answer. A resolve with nothing firing sends nothing.
func (a *alerter) send(ctx context.Context, app, status string) (int, map[string]any, error) {
	if !slices.Contains(apps(), app) {
		return http.StatusBadRequest, map[string]any{"error": "unknown app " + app}, nil
	}
	e, ok := a.episode(app, status)
	if !ok {
		return http.StatusConflict, map[string]any{"error": "no alert is firing for " + app}, nil
	}
	code, out, err := a.post(ctx, alertmanagerBody(app, status, e, a.clock.Now()))
	if err != nil {
		return 0, nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.outcomes[app] = outcome(out)
	if status == "resolved" && code == http.StatusOK && a.episodes[app] == e {
		delete(a.episodes, app)
	}
	return code, out, nil
}

// episode is the app's open episode, opened now when firing finds none.
func (a *alerter) episode(app, status string) (*episode, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.episodes[app]; e != nil || status == "resolved" {
		return e, e != nil
	}
	a.count++
	now := a.clock.Now().UTC()
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%d", app, a.count, now.UnixNano()))
	e := &episode{fingerprint: hex.EncodeToString(sum[:8]), startsAt: now}
	a.episodes[app] = e
	return e, true
}

func (a *alerter) post(ctx context.Context, body []byte) (int, map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Alertmanager/0.28.1 (dingops playground)")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		out = map[string]any{"error": string(raw)}
	}
	return resp.StatusCode, out, nil
}

// outcome is the first alert's outcome of the bot's answer, or its error.
func outcome(out map[string]any) string {
	if list, ok := out["alerts"].([]any); ok && len(list) > 0 {
		if m, ok := list[0].(map[string]any); ok {
			return str(m["outcome"])
		}
	}
	return str(out["error"])
}

type alertBody struct {
	As     string `json:"as"`
	App    string `json:"app"`
	Status string `json:"status"` // firing or resolved
}

func (b *alertBody) who() string { return b.As }

// alert is the page's "fire an alert" and "resolve" control: the
// playground's Alertmanager posts the body to the bot and the page gets
// the bot's answer.
func (p *Playground) alert(w http.ResponseWriter, r *http.Request) {
	var b alertBody
	if _, ok := decode(w, r, &b); !ok {
		return
	}
	if b.Status != "firing" && b.Status != "resolved" {
		fail(w, http.StatusBadRequest, "status is firing or resolved")
		return
	}
	code, out, err := p.alerts.send(r.Context(), b.App, b.Status)
	if err != nil {
		fail(w, http.StatusBadGateway, "posting the alert to dingops: "+err.Error())
		return
	}
	p.hub.refresh()
	answer(w, code, out)
}

// buttonParams are the callback parameters of the card's button action,
// as the card template's buttons send them (docs/alerts.md, "The card
// template"): approve and reject carry release_id, a suggestion's roll
// back button carries suggestion_id.
func buttonParams(c dingtalkemu.Card, action string) (map[string]any, int, string) {
	switch {
	case action == "rollback" && (c.Data["suggest_button"] == "show" || c.Data["rollback_button"] == "show"):
		// The shipped template's roll back button sends both ids: a
		// suggestion card's has a suggestion id, a finished release card's not.
		return map[string]any{"action": action, "release_id": c.Data["release_id"],
			"suggestion_id": c.Data["suggestion_id"]}, 0, ""
	case action == "rollback":
		return nil, http.StatusConflict, "the card shows no roll back button now"
	case action != "approve" && action != "reject":
		return nil, http.StatusBadRequest, "the card's buttons are approve, reject and rollback"
	case c.Data["buttons"] != "show":
		return nil, http.StatusConflict, "the card shows no buttons now"
	}
	return map[string]any{"action": action, "release_id": c.Data["release_id"]}, 0, ""
}
