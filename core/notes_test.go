package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core"
)

// TestNotesReadBack: every fixed note the engine writes reads back to what
// it was written from, and other text is not taken for one.
func TestNotesReadBack(t *testing.T) {
	by, ok := core.CancelledBy(core.CancelNote("alice"))
	assert.True(t, ok)
	assert.Equal(t, "alice", by)
	v, ok := core.RollbackLockVersion(core.RollbackLockReason(42))
	assert.True(t, ok)
	assert.Equal(t, 42, v)
	for _, s := range []string{"rollback to vX", "rollback to v0", "freeze", ""} {
		_, ok := core.RollbackLockVersion(s)
		assert.False(t, ok, s)
	}
	for _, c := range []struct {
		stage  core.FailStage
		detail string
	}{{core.FailDeploy, "OSS 503"}, {core.FailBuild, "FAILURE"}, {core.FailBuildStart, "401"},
		{core.FailBuildWait, "EOF"}, {core.FailPrecheck, "git: exit 128"}} {
		stage, detail, ok := core.ParseFailNote(core.FailNote(c.stage, c.detail))
		assert.True(t, ok, c.stage)
		assert.Equal(t, c.stage, stage)
		assert.Equal(t, c.detail, detail)
	}
	for _, s := range []string{"build 12 of shop/web: no artifact file", "no builder configured", "boom"} {
		_, _, ok := core.ParseFailNote(s)
		assert.False(t, ok, s)
	}
}
