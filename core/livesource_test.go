package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLiveSource(t *testing.T) {
	app := &App{Name: "web", MainBranch: "main"}
	for _, tc := range []struct {
		name   string
		live   *Release
		branch string
		want   string
	}{
		{"nothing live", nil, "feature/a", "main"},
		{"recorded without a branch", &Release{Commit: "abc"}, "feature/a", "main"},
		{"released from main", &Release{Branch: "main", Commit: "abc"}, "feature/a", "main"},
		{"released from another branch", &Release{Branch: "feature/b", Commit: "abc"}, "feature/a", "feature/b"},
		{"the same branch, rewritten since", &Release{Branch: "feature/a", Commit: "0123456789abcdef"}, "feature/a", "0123456789ab"},
	} {
		assert.Equal(t, tc.want, liveSource(app, tc.branch, tc.live), tc.name)
	}
}
