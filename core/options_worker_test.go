package core_test

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// recordingBuilder builds web/manifest.9.json and records its requests.
type recordingBuilder struct {
	mu   sync.Mutex
	reqs []core.BuildRequest
}

func (b *recordingBuilder) Start(_ context.Context, req core.BuildRequest) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reqs = append(b.reqs, req)
	return "build-1", nil
}

func (b *recordingBuilder) Wait(context.Context, string, io.Writer) (core.BuildResult, error) {
	return core.BuildResult{Artifact: core.Artifact{Kind: core.TargetOSS, Ref: "web/manifest.9.json"}}, nil
}

func (b *recordingBuilder) Stop(context.Context, string) error { return nil }

// cleanBranch: every branch exists and merges cleanly.
type cleanBranch struct{}

func (cleanBranch) Inspect(_ context.Context, q core.BranchQuery) (core.BranchReport, error) {
	return core.BranchReport{Exists: true, Commit: "c0ffee"}, nil
}

func TestOptionsReachTheBuildAndTheDeploy(t *testing.T) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		app := &core.App{Name: "web", Target: core.TargetOSS, ReleaseTeams: []string{"frontend"}, Releasers: []string{"alice"},
			Policy: core.DefaultPolicy(), Repo: "unused", MainBranch: "main", Job: "shop/web",
			Options: []core.OptionSpec{{Name: "env", Type: core.OptionChoice, Allowed: []string{"staging", "prod"}, Default: "prod"},
				{Name: "cdn", Type: core.OptionBool, Default: "true"}}}
		dep, b := coretest.NewDeployer("web/manifest.9.json"), &recordingBuilder{}
		eng, err := core.NewEngine(core.Config{Apps: []*core.App{app}, Releases: s, Locks: s, Audit: s,
			Deployers: map[string]core.Deployer{"web": dep}, Notifier: coretest.NewNotifier(), Clock: clock,
			Builder: b, Source: cleanBranch{}})
		require.NoError(t, err)

		_, err = eng.RequestRelease(ctx, core.ReleaseRequest{Actor: alice, App: "web", Branch: "feature/x",
			Options: []core.OptionValue{{Name: "env", Value: "dev"}}})
		var ref *core.Refusal
		require.ErrorAs(t, err, &ref)
		assert.True(t, ref.Has(core.CodeOptionBadValue))
		assert.Empty(t, b.reqs, "nothing started")

		p, err := eng.RequestRelease(ctx, core.ReleaseRequest{Actor: alice, App: "web", Branch: "feature/x",
			Options: []core.OptionValue{{Name: "env", Value: "staging"}}})
		require.NoError(t, err)
		require.NoError(t, eng.NewWorker(core.WorkerConfig{ID: "w1"}).Execute(ctx, p.Release.ID))

		want := []core.OptionValue{{Name: "env", Value: "staging"}, {Name: "cdn", Value: "true"}}
		require.Len(t, b.reqs, 1)
		assert.Equal(t, want, b.reqs[0].Options)
		deploys := dep.Deploys()
		require.Len(t, deploys, 1)
		assert.Equal(t, want, deploys[0].Options)
		evs, err := s.Audit(ctx, core.AuditFilter{Kind: core.AuditRequest})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Contains(t, evs[0].Detail, `opt.env="staging" opt.cdn="true"`)
	})
}
