package bot

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestOutcomeTextCarriesRollbackHint: the "released" 1:1 message (no card,
// no button) says which command goes back, in zh and en; a failure line
// has no hint.
func TestOutcomeTextCarriesRollbackHint(t *testing.T) {
	f := newFixture(t)
	id := f.request("/rollback web v2 broken")
	f.say("bob", fmt.Sprintf("/approve %d", id))
	f.runTo(id, "")
	r, err := f.eng.Release(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, core.StatusSucceeded, r.Status)
	p, err := f.eng.PlanOf(f.ctx, r)
	require.NoError(t, err)
	require.NotNil(t, p.RollbackTo)
	ok := core.Event{Release: r, Step: core.StepSucceeded}
	zh := f.bot.OutcomeText(f.ctx, "zh", ok)
	assert.Contains(t, zh, f.bot.EventLine("zh", ok))
	assert.Contains(t, zh, fmt.Sprintf("如需回滚到 v%d：发送 /rollback web", p.RollbackTo.Version))
	en := f.bot.OutcomeText(f.ctx, "en", ok)
	assert.Contains(t, en, fmt.Sprintf("To roll back to v%d: send /rollback web", p.RollbackTo.Version))

	failed := r
	failed.Status, failed.Error = core.StatusFailed, "boom"
	assert.NotContains(t, f.bot.OutcomeText(f.ctx, "en", core.Event{Release: failed, Step: core.StepFailed}), "/rollback")
}
