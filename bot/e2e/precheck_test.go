package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

// Refusal sentences, as the English catalogue words them.
const (
	notPermitted = "You (eve) are not in web's release or approver teams (frontend, sre)."
	manualLock   = "web has a manual lock by bob since 11-26 11:01 CST: database migration. /unlock web lifts it."
	closedNow    = "web cannot release now: outside the release window. Next window: 11-27 10:00 CST. " +
		"For an emergency add --urgent with a reason."
	noBranch = "web's repository has no branch feature/nope."
	conflict = "Branch feature/conflict does not merge cleanly into main: app.js."
)

func missesLive() string {
	return "Branch feature/old lacks commits that are live now: " + repo.Hotfix.SHA[:7] +
		" hotfix: payment rounding. Merge main first, or the release rolls back other people's work."
}

// TestPreChecksRefuseWithTheirReason: each pre-check refuses with a reason
// a person can act on, and nothing is built or recorded.
func TestPreChecksRefuseWithTheirReason(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		for _, c := range []struct{ name, who, text, want string }{
			{"not permitted", "eve", "/release web feature/login", notPermitted},
			{"missing branch", "alice", "/release web feature/nope", noBranch},
			{"conflict names the file", "alice", "/release web feature/conflict", conflict},
			{"branch lacks what is live", "alice", "/release web feature/old", missesLive()},
		} {
			assert.Equal(t, c.want, h.refused(c.who, c.text), c.name)
		}
		// a manual lock
		assert.Equal(t, "Locked web: database migration. /unlock web lifts it.", h.say("bob", "/lock web database migration").Text)
		assert.Equal(t, manualLock, h.refused("alice", "/release web feature/login"))
		require.Contains(t, h.say("alice", "/unlock web").Text, "Lifted web's manual lock")
		// outside the window (the freeze after a rollback: TestCleanReleaseThenRollback)
		h.at(20, 0)
		assert.Equal(t, closedNow, h.refused("alice", "/release web feature/login"))
		assert.Empty(t, h.jenkins.Builds(job), "nothing was built")
		hist, err := h.engine.History(h.ctx, "web", 10)
		require.NoError(t, err)
		assert.Len(t, hist, 1, "no release was recorded")
		assert.Len(t, h.audit(core.AuditRefusal, 0), 6, "every refusal is audited")
	})
}

// TestAllFailedChecksInOneReply: one reply lists every failed check, in the
// order permission, locks, window, branch.
func TestAllFailedChecksInOneReply(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		h.say("bob", "/lock web database migration")
		h.at(20, 0)
		got := h.refused("eve", "/release web feature/conflict")
		assert.Equal(t, "Refused, for these reasons:\n- "+notPermitted+"\n- "+manualLock+"\n- "+closedNow+"\n- "+conflict, got)
	})
}

// TestMissingLiveCommitsOnlyWarnedByPolicy: with missing_live_commits: warn
// the branch that lacks the live hotfix is released.
func TestMissingLiveCommitsOnlyWarnedByPolicy(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		id := h.request("alice", "/release web feature/old")
		h.waitStep(id, core.StepSucceeded)
		r := h.release(id)
		assert.Equal(t, repo.Old, r.Commit)
		source, _ := h.live()
		assert.Equal(t, h.builtKey(id), source)
	}, withPolicy("missing_live_commits: warn"))
}

// TestMissingLiveWarningShownOnTheCard: the accepted request's card must say
// what the policy let through.
func TestMissingLiveWarningShownOnTheCard(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		resp := h.say("alice", "/release web feature/old")
		require.NotNil(t, resp.Card, resp.Text)
		assert.Contains(t, resp.Card.Markdown, "lacks commits that are live now: "+repo.Hotfix.SHA[:7])
	}, withPolicy("missing_live_commits: warn"))
}

// TestMissingLiveNamesTheLiveBranch: when what is live came from a branch
// that is not on main, the refusal says to merge that branch — merging
// main would not bring its commits.
func TestMissingLiveNamesTheLiveBranch(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		h.waitStep(h.request("alice", "/release web feature/login"), core.StepSucceeded)
		got := h.refused("alice", "/release web feature/broken")
		assert.Contains(t, got, "Branch feature/broken lacks commits that are live now: "+repo.Login[0].SHA[:7]+" style login page")
		assert.Contains(t, got, "Merge feature/login first")
		assert.NotContains(t, got, "Merge main")
	})
}
