package configs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

// TestKubernetesConfirm: `confirm: {}` turns the confirmation on with a
// 15m timeout; a bad probe URL, or a header without a URL, is one line.
func TestKubernetesConfirm(t *testing.T) {
	app := func(confirm string) string {
		return `teams: {a: [alice], b: [bob]}
chats: {ops: {conversation_id: cid}}
apps:
  api:
    target:
      kind: container
      kubernetes: {namespace: prod, deployments: [{deployment: api, container: api}], confirm: ` + confirm + `}
    chats: [ops]
    release_teams: [a]
    approver_teams: [b]
`
	}
	cfg, probs, err := configs.Parse([]byte(app("{}")), "c.yaml", env())
	require.NoError(t, err, "%v", probs)
	c := cfg.Apps["api"].Target.Kubernetes.Confirm
	require.NotNil(t, c)
	assert.Equal(t, 15*time.Minute, c.Timeout.Std())
	cfg, probs, err = configs.Parse([]byte(app("{url: 'https://api.example.com/version', header: X-App-Version, timeout: 5m}")),
		"c.yaml", env())
	require.NoError(t, err, "%v", probs)
	assert.Equal(t, "X-App-Version", cfg.Apps["api"].Target.Kubernetes.Confirm.Header)
	for bad, path := range map[string]string{
		"{url: 'api/version'}":    "apps.api.target.kubernetes.confirm.url",
		"{header: X-App-Version}": "apps.api.target.kubernetes.confirm.header",
	} {
		_, probs, err := configs.Parse([]byte(app(bad)), "c.yaml", env())
		require.Error(t, err, bad)
		require.Len(t, probs.List, 1, bad)
		assert.Equal(t, path, probs.List[0].Path)
	}
}
