package playground_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBranchThenReleaseWithAnOption: the playground's suggested commands —
// cut a branch for a requirement, release it with web's option — work
// end to end (the job declares the option; the card shows both).
func TestBranchThenReleaseWithAnOption(t *testing.T) {
	r := start(t, "")
	r.say("alice", "/branch web feature/REQ-101 REQ-101 新首页")
	r.reply("alice", "已为 web 拉出分支 feature/REQ-101")

	r.say("alice", "/release web feature/REQ-101 cdn_refresh=flase")
	r.reply("alice", "可用的值：true | false")

	r.say("alice", "/release web feature/REQ-101 cdn_refresh=false")
	c := r.cardIs("alice", "web", "succeeded")
	assert.Contains(t, c.Data["body"], "cdn_refresh=false")
	assert.Contains(t, c.Data["body"], "[REQ-101](https://pm.example.com/requirements/REQ-101)")
}
