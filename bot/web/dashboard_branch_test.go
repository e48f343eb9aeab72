package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func TestTheAppPageShowsRequirementAndOptions(t *testing.T) {
	f := newFixture(t)
	now := f.clock.Now()
	_, err := f.store.CreateRelease(f.ctx, core.Release{App: "web", Kind: core.KindRelease, Status: core.StatusPendingApproval,
		Requester: "alice", Branch: "feature/REQ-7", CreatedAt: now, UpdatedAt: now,
		Requirement: core.Requirement{Text: "REQ-7 新首页", ID: "REQ-7", URL: "https://pm.example.com/req/REQ-7"},
		Options:     []core.OptionValue{{Name: "env", Value: "staging"}, {Name: "cdn", Value: "true"}}})
	require.NoError(t, err)

	code, body := f.get("/apps/web")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `<a href="https://pm.example.com/req/REQ-7">REQ-7 新首页</a>`)
	assert.Contains(t, body, "env=staging cdn=true")
	assert.Contains(t, body, "发布选项")
}
