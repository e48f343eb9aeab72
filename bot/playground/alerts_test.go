package playground_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
)

// suggestion is the newest suggestion card of app, or nil.
func suggestion(st playground.State, app string) *playground.Card {
	for i := len(st.Messages) - 1; i >= 0; i-- {
		if c := st.Messages[i].Card; c != nil && c.Data["app"] == app && c.Data["kind"] == "suggestion" {
			return c
		}
	}
	return nil
}

// waitSuggestion waits for app's suggestion card to satisfy cond.
func (r *running) waitSuggestion(as, app, what string, cond func(*playground.Card) bool) *playground.Card {
	r.t.Helper()
	st := r.waitFor(as, app+" suggestion "+what, func(st playground.State) bool {
		c := suggestion(st, app)
		return c != nil && cond(c)
	})
	return suggestion(st, app)
}

// TestAlertControlOverHTTP: the page's Alertmanager fires an alert for
// web just after v3 went live; the bot answers with a suggestion card; a
// resend is a repeat; alice's click files the rollback, bob approves it
// and v2 is live. A second episode resolves and closes its card.
func TestAlertControlOverHTTP(t *testing.T) {
	r := start(t, "")
	v3 := r.state("alice").Web.Source

	code, out := r.post("/alert", map[string]string{"as": "alice", "app": "web", "status": "firing"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, "suggested", out["alerts"].([]any)[0].(map[string]any)["outcome"])
	s := r.waitSuggestion("alice", "web", "open", func(c *playground.Card) bool { return c.Data["suggest_button"] == "show" })
	assert.Contains(t, s.Data["rollback_text"], "v2")
	assert.Contains(t, s.Data["body"], "HighErrorRate")
	st := r.state("alice")
	require.Len(t, st.Alerts, 4)
	assert.True(t, st.Alerts[0].Firing)
	assert.Equal(t, "suggested", st.Alerts[0].Outcome)

	code, out = r.post("/alert", map[string]string{"as": "alice", "app": "web", "status": "firing"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.Equal(t, "repeat", out["alerts"].([]any)[0].(map[string]any)["outcome"], "a resend is a repeat")

	code, out = r.post("/click", map[string]string{"as": "alice", "card": s.OutTrackID, "action": "rollback"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	pending := r.cardIs("bob", "web", "pending_approval")
	assert.Contains(t, pending.Data["body"], "v2")
	code, out = r.post("/click", map[string]string{"as": "bob", "card": pending.OutTrackID, "action": "approve"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	r.cardIs("bob", "web", "succeeded")
	r.waitFor("bob", "v2 live", func(st playground.State) bool { return st.Web.Source != v3 })
	r.waitSuggestion("bob", "web", "filed", func(c *playground.Card) bool { return c.Data["suggest_button"] == "hide" })

	code, out = r.post("/alert", map[string]string{"as": "alice", "app": "web", "status": "resolved"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	assert.False(t, r.state("alice").Alerts[0].Firing, "the episode ended")
}

// TestAlertResolvedClosesTheCard: an alert for api fires and resolves
// with nobody clicking; the card says so and its button goes.
func TestAlertResolvedClosesTheCard(t *testing.T) {
	r := start(t, "")
	code, out := r.post("/alert", map[string]string{"as": "bob", "app": "api", "status": "firing"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	r.waitSuggestion("bob", "api", "open", func(c *playground.Card) bool { return c.Data["suggest_button"] == "show" })
	code, out = r.post("/alert", map[string]string{"as": "bob", "app": "api", "status": "resolved"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	c := r.waitSuggestion("bob", "api", "resolved", func(c *playground.Card) bool { return c.Data["status"] == "resolved" })
	assert.Equal(t, "hide", c.Data["suggest_button"])
	code, _ = r.post("/click", map[string]string{"as": "bob", "card": c.OutTrackID, "action": "rollback"})
	assert.Equal(t, http.StatusConflict, code, "a closed suggestion has no button")
}

// TestAlertControlRefusesBadInput: one clear line, nothing sent.
func TestAlertControlRefusesBadInput(t *testing.T) {
	r := start(t, "")
	for _, c := range []struct {
		name string
		body map[string]string
		code int
	}{
		{"unknown app", map[string]string{"as": "alice", "app": "nope", "status": "firing"}, http.StatusBadRequest},
		{"bad status", map[string]string{"as": "alice", "app": "web", "status": "burning"}, http.StatusBadRequest},
		{"resolve with nothing firing", map[string]string{"as": "alice", "app": "web", "status": "resolved"}, http.StatusConflict},
		{"unknown user", map[string]string{"as": "eve", "app": "web", "status": "firing"}, http.StatusBadRequest},
	} {
		code, out := r.post("/alert", c.body)
		assert.Equal(t, c.code, code, "%s: %v", c.name, out)
		assert.NotEmpty(t, out["error"], c.name)
	}
	st := r.state("alice")
	assert.Empty(t, st.Messages, "nothing reached the group")
	for _, a := range st.Alerts {
		assert.False(t, a.Firing, a.App)
	}
}
