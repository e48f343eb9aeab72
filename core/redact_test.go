package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

const canary = "canary-Sup3rSecret-value"

// leakyDeployer prints the canary in its output and its error, as a
// script that echoes its environment would.
type leakyDeployer struct{ *coretest.Deployer }

func (d leakyDeployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	fmt.Fprintf(req.Log, "using token %s\nstill %s\n", canary, canary)
	return errors.New("exit status 1: token=" + canary)
}

type masker struct{}

func (masker) Redact(s string) string { return strings.ReplaceAll(s, canary, "[redacted]") }

// TestNoSecretLeavesTheEngine: what a deployer prints and returns passes
// the redactor before it is stored (release error and output, audit) or
// told (progress and outcome events, which become chat, card and 1:1
// text).
func TestNoSecretLeavesTheEngine(t *testing.T) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, clock)
		eng, err := core.NewEngine(core.Config{Apps: []*core.App{f.app}, Releases: s, Locks: s, Audit: s,
			Deployers: map[string]core.Deployer{"web": leakyDeployer{f.dep}}, Notifier: f.notes, Clock: clock,
			Redactor: masker{}})
		require.NoError(t, err)
		f.eng = eng
		f.record(2)
		p, err := f.rollback(alice, 1)
		require.NoError(t, err)
		_, err = f.eng.Approve(f.ctx, bob, p.Release.ID, "")
		require.NoError(t, err)
		require.NoError(t, f.worker("w").Execute(f.ctx, p.Release.ID))
		r, err := f.eng.Release(f.ctx, p.Release.ID)
		require.NoError(t, err)
		require.Equal(t, core.StatusFailed, r.Status)
		assert.Contains(t, r.Error, "[redacted]")
		assert.Contains(t, r.Output, "[redacted]")
		all := r.Error + r.Output
		evs, err := s.Audit(f.ctx, core.AuditFilter{ReleaseID: r.ID})
		require.NoError(t, err)
		for _, ev := range evs {
			all += ev.Detail
		}
		for _, ev := range f.notes.Events() {
			all += ev.Message + ev.Release.Error + ev.Release.Output
		}
		assert.NotContains(t, all, canary)
		assert.NotContains(t, all, "Secret-value", "no half of it either")
	})
}
