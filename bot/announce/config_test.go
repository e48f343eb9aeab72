package announce

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// TestPostsFromExampleConfig resolves the example configuration's
// announcements and builds a service from them.
func TestPostsFromExampleConfig(t *testing.T) {
	cfg, _, err := configs.Load("../../configs/example.yaml", func(string) string { return "secret" })
	require.NoError(t, err)
	posts := PostsFromConfig(cfg)
	require.Len(t, posts, 5)
	assert.Equal(t, Post{Chat: "web-ops", ConversationID: "cidWebOpsExample==", Language: "zh", Kind: WindowClosing,
		Apps: []string{"web", "approval-mini"}, Before: 15 * time.Minute}, posts[1])
	assert.Equal(t, Post{Chat: "platform", ConversationID: "cidPlatformExample==", Language: "en", Kind: WeeklyDigest,
		Apps: []string{"api", "web", "approval-mini"}, Schedule: "0 10 * * 1"}, posts[4])

	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 28, 9, 0)), "r", posts)
	assert.Len(t, f.svc.Posts(), 5)
	assert.Len(t, f.svc.Upcoming(cst(9, 28, 0, 0), cst(9, 29, 0, 0)), 7, "two openings, two closings, freeze_tomorrow, freeze_over, digest")
}
