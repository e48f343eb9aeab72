package configs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

func alertApp(extra string) string {
	return `teams: {a: [alice], b: [bob]}
chats: {ops: {conversation_id: cid}}
apps:
  api:
    target:
      kind: container
      kubernetes: {namespace: prod, deployments: [{deployment: api, container: api}]}
    chats: [ops]
    release_teams: [a]
    approver_teams: [b]
` + extra
}

func TestAlertDefaults(t *testing.T) {
	cfg, probs, err := configs.Parse([]byte(alertApp("    watch: {for: 30m, health: {url: 'http://127.0.0.1:8080/healthz'}}\n")), "c.yaml", env())
	require.NoError(t, err, "%v", probs)
	a := cfg.Apps["api"]
	assert.Equal(t, "suggest", a.OnAlert)
	assert.Equal(t, 30*time.Minute, a.Watch.For.Std())
	assert.Equal(t, 200, a.Watch.Health.Expect)
	assert.Equal(t, 3, a.Watch.Health.Failures)
	assert.Equal(t, 10*time.Second, a.Watch.Health.Interval.Std())
	assert.Equal(t, "dingops_app", cfg.Alerts.AppLabel)
}

// TestAlertPolicyProblems: auto without anyone told, a policy without a
// watch, and bad probe settings are refused, each at its path.
func TestAlertPolicyProblems(t *testing.T) {
	cases := map[string]struct{ extra, path string }{
		"auto tells nobody":    {"    watch: {for: 30m}\n    on_alert: auto\n", "apps.api.alert_tell"},
		"unknown tell team":    {"    watch: {for: 30m}\n    on_alert: auto\n    alert_tell: [nope]\n", "apps.api.alert_tell[0]"},
		"request needs watch":  {"    on_alert: request\n", "apps.api.watch.for"},
		"unknown policy":       {"    on_alert: maybe\n", "apps.api.on_alert"},
		"probe needs a watch":  {"    watch: {health: {url: 'http://x/'}}\n", "apps.api.watch.for"},
		"probe needs http URL": {"    watch: {for: 5m, health: {url: 'ftp://x/'}}\n", "apps.api.watch.health.url"},
		"probe status":         {"    watch: {for: 5m, health: {url: 'http://x/', expect: 42}}\n", "apps.api.watch.health.expect"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, probs, err := configs.Parse([]byte(alertApp(c.extra)), "c.yaml", env())
			require.Error(t, err)
			require.Len(t, probs.List, 1, "%v", probs.List)
			assert.Equal(t, c.path, probs.List[0].Path)
		})
	}
	_, probs, err := configs.Parse([]byte(alertApp("    watch: {for: 30m}\n    on_alert: auto\n    alert_tell: [b]\n")), "c.yaml", env())
	require.NoError(t, err, "auto that tells a team is accepted: %v", probs)
}
