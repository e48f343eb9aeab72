package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

// TestVisibilityRows: a confirmation is saved, replaced, read back with
// its steps, listed while open, and claimed by one worker only.
func TestVisibilityRows(t *testing.T) {
	at := time.Date(2026, 12, 3, 2, 2, 3, 0, time.UTC)
	storetest.Each(t, coretest.NewClock(at), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := core.Release{ID: 41, App: "web", Version: 7}
		v, err := s.LoadVisibility(ctx, r.ID)
		require.NoError(t, err)
		assert.Nil(t, v, "nothing recorded")

		require.NoError(t, s.SaveVisibility(ctx, r, "w1", core.Visibility{Switched: at}))
		steps := []core.VisibleStep{{Name: "pods", At: at.Add(40 * time.Second)}}
		require.NoError(t, s.SaveVisibility(ctx, r, "w1", core.Visibility{Switched: at, Steps: steps}))
		other := core.Release{ID: 42, App: "shop", Version: 3}
		require.NoError(t, s.SaveVisibility(ctx, other, "w1", core.Visibility{Switched: at, Served: at.Add(time.Second)}))

		v, err = s.LoadVisibility(ctx, r.ID)
		require.NoError(t, err)
		require.NotNil(t, v)
		assert.Equal(t, core.Visibility{Switched: at, Steps: steps}, *v)

		open, err := s.OpenVisibilities(ctx)
		require.NoError(t, err)
		require.Len(t, open, 1, "the confirmed one is not open")
		assert.Equal(t, core.OpenVisibility{ReleaseID: 41, Owner: "w1", Visibility: core.Visibility{Switched: at, Steps: steps}}, open[0])

		ok, err := s.ClaimVisibility(ctx, 41, "w1", "w2")
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = s.ClaimVisibility(ctx, 41, "w1", "w3")
		require.NoError(t, err)
		assert.False(t, ok, "w2 moved it first")

		require.NoError(t, s.SaveVisibility(ctx, r, "w2", core.Visibility{Switched: at, TimedOut: true}))
		open, err = s.OpenVisibilities(ctx)
		require.NoError(t, err)
		assert.Empty(t, open, "a timed-out one is closed")
	})
}
