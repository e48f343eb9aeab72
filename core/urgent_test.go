package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/core"
)

// TestUrgentNeverLowersApprovals: urgent × approvals. The urgent rule
// skips windows, never approvals: an urgent request needs the more of the
// urgent and the normal count, and self-approval only if the normal rule
// allows it too.
func TestUrgentNeverLowersApprovals(t *testing.T) {
	ap := func(n int, self bool) core.ApprovalPolicy {
		return core.ApprovalPolicy{Approvals: n, SelfApproval: self, Expiry: 30 * time.Minute}
	}
	tests := []struct {
		name           string
		normal, urgent core.ApprovalPolicy
		wantN          int
		wantSelf       bool
	}{
		{"stricter rollback rule wins", ap(2, false), ap(1, false), 2, false},
		{"stricter urgent rule wins", ap(1, false), ap(2, false), 2, false},
		{"equal", ap(1, false), ap(1, false), 1, false},
		{"no approval normally", ap(0, false), ap(1, true), 1, true},
		{"urgent self-approval cannot undo the normal rule", ap(1, false), ap(1, true), 1, false},
		{"both allow self-approval", ap(1, true), ap(1, true), 1, true},
		{"urgent forbids self-approval", ap(1, true), ap(1, false), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range []core.Kind{core.KindRollback, core.KindRelease} {
				p := core.Policy{Rollback: tt.normal, Release: tt.normal, Urgent: tt.urgent}
				got := p.For(kind, true)
				assert.Equal(t, tt.wantN, got.Approvals, kind)
				assert.Equal(t, tt.wantSelf, got.SelfApproval, kind)
				assert.Equal(t, tt.normal, p.For(kind, false), "not urgent: the normal rule")
			}
		})
	}
}
