package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

func oneClick(app *core.App) { app.Policy.Rollback.OneClick = true }

// TestOneClick: a button rollback by an approver is approved with the
// same click only when the policy says one_click and one approval is
// needed; a releaser's click, a typed request, or a two-approver policy
// wait for approval as usual.
func TestOneClick(t *testing.T) {
	cases := []struct {
		name     string
		who      core.Actor
		button   bool
		tweak    []func(*core.App)
		approved bool
	}{
		{"approver's click with one_click", bob, true, []func(*core.App){oneClick}, true},
		{"approver's click without one_click", bob, true, nil, false},
		{"typed by an approver with one_click", bob, false, []func(*core.App){oneClick}, false},
		{"releaser's click with one_click", alice, true, []func(*core.App){oneClick}, false},
		{"two approvals needed", bob, true, []func(*core.App){oneClick, func(a *core.App) { a.Policy.Rollback.Approvals = 2 }}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				f.record(3)
				p, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: tc.who, App: "web", OneClick: tc.button})
				require.NoError(t, err)
				got, err := f.store.Release(f.ctx, p.Release.ID)
				require.NoError(t, err)
				if !tc.approved {
					assert.Equal(t, core.StatusPendingApproval, got.Status)
					assert.Empty(t, got.Approvals)
					return
				}
				assert.Equal(t, core.StatusApproved, got.Status)
				assert.Equal(t, core.StatusApproved, p.Release.Status, "the answer shows it approved")
				require.Len(t, got.Approvals, 1)
				assert.Equal(t, "bob", got.Approvals[0].Approver)
			}, tc.tweak...)
		})
	}
}

// TestRollbackOffer: a finished release's plan offers what /rollback would
// go back to; nothing while a request is active, before the work ran, or
// when there is no earlier good release.
func TestRollbackOffer(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.record(1)
		only, err := f.eng.History(f.ctx, "web", 1)
		require.NoError(t, err)
		p, err := f.eng.PlanOf(f.ctx, only[0])
		require.NoError(t, err)
		assert.Nil(t, p.RollbackTo, "no earlier good release")

		f.record(2) // v2 (v1's artifact again) and v3: v3 live, v2 the one before
		hist, err := f.eng.History(f.ctx, "web", 1)
		require.NoError(t, err)
		p, err = f.eng.PlanOf(f.ctx, hist[0])
		require.NoError(t, err)
		require.NotNil(t, p.RollbackTo)
		assert.Equal(t, 2, p.RollbackTo.Version)

		req, err := f.eng.RequestRollback(f.ctx, core.RollbackRequest{Actor: alice, App: "web"})
		require.NoError(t, err)
		p, err = f.eng.PlanOf(f.ctx, hist[0])
		require.NoError(t, err)
		assert.Nil(t, p.RollbackTo, "a request is active")
		p, err = f.eng.PlanOf(f.ctx, req.Release)
		require.NoError(t, err)
		assert.Nil(t, p.RollbackTo, "a pending request offers none")
	})
}
