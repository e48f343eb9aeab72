package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

func firing(id string) core.Alert {
	return core.Alert{Source: "alertmanager", ID: id, App: "web", Title: "HighErrorRate", Severity: "critical",
		Status: core.AlertFiring, URL: "http://prom/graph", StartsAt: t0.Add(time.Minute), ReceivedAt: t0.Add(2 * time.Minute)}
}

func TestAlertRecordIsIdempotent(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := firing("fp1")
		rec, err := s.RecordAlert(ctx, a)
		require.NoError(t, err)
		assert.NotZero(t, rec.Seq)
		assert.Equal(t, a.Title, rec.Alert.Title)
		assert.True(t, rec.Alert.StartsAt.Equal(a.StartsAt))

		again, err := s.RecordAlert(ctx, a)
		assert.ErrorIs(t, err, core.ErrDuplicate, "a resend changes nothing")
		assert.Equal(t, rec.Seq, again.Seq)

		later := a
		later.StartsAt = a.StartsAt.Add(time.Hour)
		next, err := s.RecordAlert(ctx, later)
		require.NoError(t, err, "a new episode of the same alert is a new alert")
		assert.NotEqual(t, rec.Seq, next.Seq)

		res := a
		res.Status, res.EndsAt = core.AlertResolved, t0.Add(9*time.Minute)
		done, err := s.RecordAlert(ctx, res)
		require.NoError(t, err, "the first resolve changes the alert")
		assert.Equal(t, rec.Seq, done.Seq)
		assert.Equal(t, core.AlertResolved, done.Alert.Status)
		_, err = s.RecordAlert(ctx, res)
		assert.ErrorIs(t, err, core.ErrDuplicate, "a second resolve changes nothing")
		_, err = s.RecordAlert(ctx, a)
		assert.ErrorIs(t, err, core.ErrDuplicate, "a late firing resend does not reopen it")

		open, err := s.Alerts(ctx, core.AlertFilter{App: "web", Firing: true})
		require.NoError(t, err)
		require.Len(t, open, 1)
		assert.Equal(t, next.Seq, open[0].Seq)
	})
}

func TestSuggestionOncePerRelease(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sg := core.Suggestion{App: "web", ReleaseID: 7, Version: 3, Target: 2, Policy: core.AlertSuggest, CreatedAt: t0}
		first, created, err := s.OpenSuggestion(ctx, sg)
		require.NoError(t, err)
		assert.True(t, created)
		second, created, err := s.OpenSuggestion(ctx, sg)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, first.ID, second.ID)

		rec, err := s.RecordAlert(ctx, firing("fp1"))
		require.NoError(t, err)
		require.NoError(t, s.SetAlertOutcome(ctx, rec.Seq, core.AlertSuggested, first.ID, 7))
		_, err = s.ResolveSuggestion(ctx, first.ID, t0)
		assert.ErrorIs(t, err, core.ErrStale, "not resolved while an alert fires")

		res := firing("fp1")
		res.Status = core.AlertResolved
		_, err = s.RecordAlert(ctx, res)
		require.NoError(t, err)
		got, err := s.ResolveSuggestion(ctx, first.ID, t0.Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, got.Open())
		require.Len(t, got.Alerts, 1)

		rec2, err := s.RecordAlert(ctx, firing("fp2"))
		require.NoError(t, err)
		require.NoError(t, s.SetAlertOutcome(ctx, rec2.Seq, core.AlertAdded, first.ID, 7))
		got, err = s.Suggestion(ctx, first.ID)
		require.NoError(t, err)
		assert.True(t, got.Open(), "a new firing alert reopens the suggestion")

		filed, err := s.FileSuggestion(ctx, first.ID, 9, "bob")
		require.NoError(t, err)
		assert.Equal(t, core.ReleaseID(9), filed.RequestID)
		again, err := s.FileSuggestion(ctx, first.ID, 10, "carol")
		assert.ErrorIs(t, err, core.ErrStale, "filed once")
		assert.Equal(t, "bob", again.FiledBy)
	})
}

// TestAlertsAcrossReplicas: two store handles on one database (two
// replicas) receive the same alerts and race for the same suggestion:
// one record per alert, one suggestion.
func TestAlertsAcrossReplicas(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			replicas := []*store.Store{storetest.Open(t, dsn, nil), storetest.Open(t, dsn, nil)}
			ctx := context.Background()
			var mu sync.Mutex
			created, fresh := 0, 0
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					s := replicas[i%2]
					_, err := s.RecordAlert(ctx, firing(fmt.Sprintf("fp%d", i/2)))
					if err != nil {
						assert.ErrorIs(t, err, core.ErrDuplicate)
					}
					_, c, serr := s.OpenSuggestion(ctx, core.Suggestion{App: "web", ReleaseID: 7, Version: 3, Target: 2,
						Policy: core.AlertSuggest, CreatedAt: t0})
					assert.NoError(t, serr)
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						fresh++
					}
					if c {
						created++
					}
				})
			}
			wg.Wait()
			assert.Equal(t, 4, fresh, "each alert recorded once")
			assert.Equal(t, 1, created, "one suggestion")
		})
	}
}

func TestSuggestionCards(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := store.SuggestionCard{OutTrackID: "inst-s1", SuggestionID: 1, ChatID: "cid-web", Language: "zh", CreatedAt: t0}
		ok, err := s.RecordSuggestionCard(ctx, c)
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = s.RecordSuggestionCard(ctx, c)
		require.NoError(t, err)
		assert.False(t, ok)
		cards, err := s.SuggestionCards(ctx, 1)
		require.NoError(t, err)
		require.Len(t, cards, 1)
		got, err := s.SuggestionCardByTrackID(ctx, "inst-s1")
		require.NoError(t, err)
		assert.Equal(t, "cid-web", got.ChatID)
		_, err = s.SuggestionCardByTrackID(ctx, "nope")
		assert.ErrorIs(t, err, core.ErrNotFound)
	})
}
