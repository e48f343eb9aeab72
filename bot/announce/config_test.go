package announce

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// TestPostsOfTheExampleConfig builds a service from the posts
// configs/example.yaml resolves to (bot/system's TestPostsFromExampleConfig
// checks the resolution).
func TestPostsOfTheExampleConfig(t *testing.T) {
	web := []string{"web", "approval-mini"}
	posts := []Post{
		{Chat: "web-ops", ConversationID: "cidWebOpsExample==", Language: "zh", Kind: WindowOpen, Apps: web},
		{Chat: "web-ops", ConversationID: "cidWebOpsExample==", Language: "zh", Kind: WindowClosing, Apps: web,
			Before: 15 * time.Minute},
		{Chat: "web-ops", ConversationID: "cidWebOpsExample==", Language: "zh", Kind: FreezeTomorrow,
			Apps: []string{"web"}, Schedule: "0 17 * * *"},
		{Chat: "web-ops", ConversationID: "cidWebOpsExample==", Language: "zh", Kind: FreezeOver,
			Apps: []string{"web"}, Schedule: "30 9 * * *"},
		{Chat: "platform", ConversationID: "cidPlatformExample==", Language: "en", Kind: WeeklyDigest,
			Apps: []string{"api", "web", "approval-mini"}, Schedule: "0 10 * * 1"},
	}
	f := newFixture(t, startEmulator(t), storetest.SQLiteDSN(t), coretest.NewClock(cst(9, 28, 9, 0)), "r", posts)
	assert.Len(t, f.svc.Posts(), 5)
	assert.Len(t, f.svc.Upcoming(cst(9, 28, 0, 0), cst(9, 29, 0, 0)), 7, "two openings, two closings, freeze_tomorrow, freeze_over, digest")
}
