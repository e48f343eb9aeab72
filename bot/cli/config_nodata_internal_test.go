package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

// TestConfigCheckSaysWhereOpenWithoutDataStarts: a window with
// open_without_data gets a warning at that key naming the day the holiday
// data ends; one without it gets none.
func TestConfigCheckSaysWhereOpenWithoutDataStarts(t *testing.T) {
	text := func(open string) string {
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
windows:
  day:
    apps: [api]
    periods: [{start: "0 10 * * *", duration: 8h}]
    open_without_data: ` + open + "\n"
	}
	none := func(*configs.Config, time.Time) ([]configs.Problem, []configs.Problem, []string) {
		return nil, nil, nil
	}
	cfg, probs, err := configs.Parse([]byte(text("true")), "c.yaml", func(string) string { return "" })
	require.NoError(t, err, "%v", probs)
	_, warns, _ := withoutData(none)(cfg, time.Now())
	require.Len(t, warns, 1)
	assert.Equal(t, "windows.day.open_without_data", warns[0].Path)
	assert.Equal(t, 15, warns[0].Line)
	assert.Contains(t, warns[0].Message, "the holiday data ends 20")
	assert.Contains(t, warns[0].Message, "later days are treated as open plain days without holiday data")

	cfg, probs, err = configs.Parse([]byte(text("false")), "c.yaml", func(string) string { return "" })
	require.NoError(t, err, "%v", probs)
	_, warns, _ = withoutData(none)(cfg, time.Now())
	assert.Empty(t, warns)
}
