package system

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/configs"
)

// TestPostsFromExampleConfig resolves the example configuration's
// announcements: the chat's id and language, app sets expanded.
func TestPostsFromExampleConfig(t *testing.T) {
	cfg, _, err := configs.Load("../../configs/example.yaml", func(string) string { return "secret" })
	require.NoError(t, err)
	posts := announcePosts(cfg)
	require.Len(t, posts, 5)
	assert.Equal(t, announce.Post{Chat: "web-ops", ConversationID: "cidWebOpsExample==", Language: "zh",
		Kind: announce.WindowClosing, Apps: []string{"web", "approval-mini"}, Before: 15 * time.Minute}, posts[1])
	assert.Equal(t, announce.Post{Chat: "platform", ConversationID: "cidPlatformExample==", Language: "en",
		Kind: announce.WeeklyDigest, Apps: []string{"api", "web", "approval-mini"}, Schedule: "0 10 * * 1"}, posts[4])
}
