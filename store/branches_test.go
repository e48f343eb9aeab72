package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func TestBranchesAreRecordedOnceWithAuditAndReleaseState(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	storetest.Each(t, fixedClock{at}, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		req := core.Requirement{Text: "REQ-7 首页", ID: "REQ-7", URL: "https://pm.example.com/REQ-7"}
		b := core.Branch{App: "web", Name: "feature/x", Commit: "abc123", Requirement: req, Requester: "u1", CreatedAt: at}
		ev := core.AuditEvent{At: at, Actor: "u1", Kind: core.AuditBranch, App: "web", Detail: "branch feature/x"}
		_, err := s.RecordBranch(ctx, b, ev)
		require.NoError(t, err)
		_, err = s.RecordBranch(ctx, b, ev)
		require.ErrorIs(t, err, core.ErrDuplicate)
		evs, err := s.Audit(ctx, core.AuditFilter{Kind: core.AuditBranch})
		require.NoError(t, err)
		assert.Len(t, evs, 1, "the refused duplicate left no audit record")

		got, err := s.BranchByName(ctx, "web", "feature/x")
		require.NoError(t, err)
		assert.Equal(t, req, got.Requirement)
		assert.False(t, got.Released)
		_, err = s.BranchByName(ctx, "api", "feature/x")
		require.ErrorIs(t, err, core.ErrNotFound)

		rel, err := s.CreateRelease(ctx, core.Release{App: "web", Kind: core.KindRelease, Status: core.StatusSucceeded,
			Branch: "feature/x", Requirement: req, Options: []core.OptionValue{{Name: "env", Value: "staging"}},
			CreatedAt: at, UpdatedAt: at})
		require.NoError(t, err)
		read, err := s.Release(ctx, rel.ID)
		require.NoError(t, err)
		assert.Equal(t, req, read.Requirement)
		assert.Equal(t, []core.OptionValue{{Name: "env", Value: "staging"}}, read.Options)

		list, err := s.Branches(ctx, "web", 10)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.True(t, list[0].Released)
		assert.Equal(t, "u1", list[0].Requester)
		assert.True(t, at.Equal(list[0].CreatedAt))
	})
}
