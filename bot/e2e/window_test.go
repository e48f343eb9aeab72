package e2e

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// TestUrgentReleaseOutsideWindow: --urgent skips the window, needs another
// approver, runs to the end and is audited with its reason.
func TestUrgentReleaseOutsideWindow(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		h.at(20, 0)
		resp := h.say("alice", "/release web feature/login checkout is down --urgent")
		require.False(t, resp.Refused, resp.Text)
		require.NotNil(t, resp.Card)
		id := resp.Release.ID
		assert.Equal(t, core.StatusPendingApproval, resp.Release.Status, "urgent needs an approver")
		assert.True(t, resp.Release.Urgent)
		assert.Contains(t, resp.Card.Title, "URGENT")
		assert.Equal(t, []string{"bob", "carol"}, resp.Card.Mentions)
		assert.Empty(t, h.jenkins.Builds(job), "nothing runs before the approval")

		assert.Equal(t, fmt.Sprintf("You approved %s (1/1); approved, starting now.", resp.Release.Label()),
			h.say("bob", fmt.Sprintf("/approve %d", id)).Text)
		h.waitStep(id, core.StepSucceeded)
		source, _ := h.live()
		assert.Equal(t, h.builtKey(id), source)

		evs := h.audit(core.AuditOverride, id)
		require.Len(t, evs, 1)
		assert.Equal(t, "alice", evs[0].Actor)
		assert.Equal(t, "urgent: checkout is down", evs[0].Detail)
	})
}

// TestUrgentBypassesOnlyTheWindow: permission, locks and the branch checks
// still refuse an urgent request; the window is not among the reasons.
func TestUrgentBypassesOnlyTheWindow(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		h.at(20, 0)
		for _, c := range []struct{ who, text, want string }{
			{"eve", "/release web feature/login down --urgent", notPermitted},
			{"alice", "/release web feature/login --urgent", "The urgent path needs a reason"},
			{"alice", "/release web feature/nope down --urgent", noBranch},
			{"alice", "/release web feature/conflict down --urgent", conflict},
			{"alice", "/release web feature/old down --urgent", missesLive()},
		} {
			got := h.refused(c.who, c.text)
			assert.Contains(t, got, c.want, c.text)
			assert.NotContains(t, got, "cannot release now", c.text)
		}
		h.say("bob", "/lock web database migration")
		got := h.refused("alice", "/release web feature/login down --urgent")
		assert.Contains(t, got, "web has a manual lock by bob")
		assert.NotContains(t, got, "cannot release now")
		assert.Empty(t, h.audit(core.AuditOverride, 0), "no override was granted")
		assert.Empty(t, h.jenkins.Builds(job))
	})
}

// TestWindowClosedBeforeWorkStarts: a release requested at 17:50 and
// approved after the window closed at 18:00 fails when work starts, with
// the window's reason on the card, and nothing is built.
func TestWindowClosedBeforeWorkStarts(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		h.at(17, 50)
		id := h.request("alice", "/release web feature/login evening fix")
		h.at(18, 5)
		h.say("bob", fmt.Sprintf("/approve %d", id))
		failed := h.waitStep(id, core.StepFailed)
		assert.Equal(t, core.StatusFailed, h.release(id).Status)
		assert.Contains(t, failed.Card.Markdown, "❌ Failed: a check failed when work started: "+closedNow)
		assert.Empty(t, h.jenkins.Builds(job), "nothing was built")
		source, _ := h.live()
		assert.Equal(t, v1Key, source)
	}, withPolicy("release: {approvals: 1, expiry: 1h}"))
}
