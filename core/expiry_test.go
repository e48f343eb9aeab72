package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// TestExpiryAtDecisionTime: a decision is checked against the request's
// expiry in the transaction that records it, whether or not the sweep ran:
// just before the edge it counts, at and after the edge the request
// expires instead (once: status, audit and event) and the click is refused.
func TestExpiryAtDecisionTime(t *testing.T) {
	expiry := core.DefaultPolicy().Rollback.Expiry
	tests := []struct {
		name  string
		after time.Duration
		want  core.Status
	}{
		{"a millisecond before", expiry - time.Millisecond, core.StatusApproved},
		{"at the edge", expiry, core.StatusExpired},
		{"a millisecond after", expiry + time.Millisecond, core.StatusExpired},
		{"8 s after, sweep not yet run", expiry + 8*time.Second, core.StatusExpired},
		{"a day after", 24 * time.Hour, core.StatusExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := coretest.NewClock(t0)
			storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
				f := newFixture(t, s, clock)
				f.record(2)
				p, err := f.rollback(alice, 1)
				require.NoError(t, err)
				clock.Advance(tt.after)
				_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
				r, rerr := f.eng.Release(f.ctx, p.Release.ID)
				require.NoError(t, rerr)
				assert.Equal(t, tt.want, r.Status)
				if tt.want == core.StatusApproved {
					require.NoError(t, err)
					return
				}
				refusal(t, err, core.CodeAlreadyDecided)
				assert.Empty(t, r.Approvals, "the late approval is not recorded")
				evs, err := s.Audit(f.ctx, core.AuditFilter{ReleaseID: r.ID, Kind: core.AuditExpire})
				require.NoError(t, err)
				assert.Len(t, evs, 1)
				_, ok := f.notes.WaitFor(r.ID, core.StepExpired, 0)
				assert.True(t, ok, "the card is told")
				n, err := f.eng.ExpireDue(f.ctx)
				require.NoError(t, err)
				assert.Zero(t, n, "the sweep finds nothing left")
			})
		})
	}
}
