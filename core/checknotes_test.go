package core_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// notingDeployer accepts every artifact with a caveat, the way the
// Kubernetes target does under kubernetes.allow_gitops_override.
type notingDeployer struct {
	*coretest.Deployer
	note string
}

func (d notingDeployer) CheckNotes(ctx context.Context, a core.Artifact) ([]string, error) {
	return []string{d.note}, d.Check(ctx, a)
}

func TestCheckNotesReachTheCardAndTheAuditLog(t *testing.T) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clock)
		note := "web-api is managed by Argo CD application shop-api (self-heal on): deploying anyway"
		eng, err := core.NewEngine(core.Config{Apps: []*core.App{f.app}, Releases: s, Locks: s, Audit: s,
			Deployers: map[string]core.Deployer{"web": notingDeployer{f.dep, note}}, Notifier: f.notes, Clock: clock})
		require.NoError(t, err)
		f.eng = eng
		f.record(2)

		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		want := []core.Reason{{Code: core.CodeTargetNote, Args: map[string]any{"app": "web", "detail": note}}}
		assert.Equal(t, want, p.Warnings, "the plan carries the caveat")
		stored, err := s.Release(f.ctx, p.Release.ID)
		require.NoError(t, err)
		require.Len(t, stored.Warnings, 1, "the release keeps it for later renderings of the card")
		assert.Equal(t, note, stored.Warnings[0].Args["detail"])

		evs, err := s.Audit(f.ctx, core.AuditFilter{Kind: core.AuditTargetNote})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Equal(t, "alice", evs[0].Actor, "who went ahead anyway is on record")
		assert.Equal(t, note, evs[0].Detail)
	})
}
