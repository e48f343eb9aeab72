package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

var annT0 = time.Date(2026, 9, 30, 9, 0, 0, 0, time.UTC)

func annClaim(key string, fire time.Time, owner string, now time.Time) store.AnnouncementClaim {
	return store.AnnouncementClaim{Key: key, FireAt: fire, Chat: "web-ops", Owner: owner, Now: now, Lease: 2 * time.Minute}
}

func TestAnnouncementGuard(t *testing.T) {
	storetest.Each(t, coretest.NewClock(annT0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fire := annT0.Add(-time.Minute)
		won, err := s.ClaimAnnouncement(ctx, annClaim("open", fire, "a", annT0))
		require.NoError(t, err)
		assert.True(t, won, "the first claim inserts the row")
		won, err = s.ClaimAnnouncement(ctx, annClaim("open", fire, "b", annT0))
		require.NoError(t, err)
		assert.False(t, won, "a second replica loses while the first sends")
		won, err = s.ClaimAnnouncement(ctx, annClaim("open", fire.Add(time.Millisecond), "b", annT0))
		require.NoError(t, err)
		assert.True(t, won, "another fire time is another announcement")

		require.ErrorIs(t, s.FinishAnnouncement(ctx, store.AnnouncementOutcome{Key: "open", FireAt: fire, Owner: "b", At: annT0}),
			core.ErrStale, "only the owner records the outcome")
		require.NoError(t, s.FinishAnnouncement(ctx, store.AnnouncementOutcome{Key: "open", FireAt: fire, Owner: "a", At: annT0}))
		won, err = s.ClaimAnnouncement(ctx, annClaim("open", fire, "b", annT0.Add(time.Hour)))
		require.NoError(t, err)
		assert.False(t, won, "a sent announcement is never claimed again")

		a, err := s.Announcement(ctx, "open", fire)
		require.NoError(t, err)
		assert.Equal(t, store.Announcement{Key: "open", FireAt: fire, Chat: "web-ops", Status: store.AnnouncementSent,
			Owner: "a", Attempts: 1, ClaimedAt: annT0, SentAt: annT0}, a)
		_, err = s.Announcement(ctx, "closing", fire)
		require.ErrorIs(t, err, core.ErrNotFound)
	})
}

func TestAnnouncementRetry(t *testing.T) {
	storetest.Each(t, coretest.NewClock(annT0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fire := annT0
		won, err := s.ClaimAnnouncement(ctx, annClaim("digest", fire, "a", annT0))
		require.NoError(t, err)
		require.True(t, won)
		require.NoError(t, s.FinishAnnouncement(ctx, store.AnnouncementOutcome{Key: "digest", FireAt: fire, Owner: "a",
			At: annT0, Err: "DingTalk robot.OrgGroupSend failed: 500 systemBusy", RetryAt: annT0.Add(time.Minute)}))

		won, err = s.ClaimAnnouncement(ctx, annClaim("digest", fire, "b", annT0.Add(30*time.Second)))
		require.NoError(t, err)
		assert.False(t, won, "not before the retry time")
		won, err = s.ClaimAnnouncement(ctx, annClaim("digest", fire, "b", annT0.Add(time.Minute)))
		require.NoError(t, err)
		assert.True(t, won, "a failed send is retried by whoever claims it first")
		require.NoError(t, s.FinishAnnouncement(ctx, store.AnnouncementOutcome{Key: "digest", FireAt: fire, Owner: "b", At: annT0.Add(time.Minute)}))

		a, err := s.Announcement(ctx, "digest", fire)
		require.NoError(t, err)
		assert.Equal(t, store.AnnouncementSent, a.Status)
		assert.Equal(t, 2, a.Attempts)
		assert.Equal(t, "b", a.Owner)
		assert.Contains(t, a.Error, "systemBusy", "the last failure stays on the row")
	})
}

func TestAnnouncementLeaseTakeover(t *testing.T) {
	storetest.Each(t, coretest.NewClock(annT0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		won, err := s.ClaimAnnouncement(ctx, annClaim("closing", annT0, "dead", annT0))
		require.NoError(t, err)
		require.True(t, won)
		won, err = s.ClaimAnnouncement(ctx, annClaim("closing", annT0, "b", annT0.Add(time.Minute)))
		require.NoError(t, err)
		assert.False(t, won, "within the lease the sender is presumed alive")
		won, err = s.ClaimAnnouncement(ctx, annClaim("closing", annT0, "b", annT0.Add(2*time.Minute)))
		require.NoError(t, err)
		assert.True(t, won, "after the lease a silent sender's claim is taken over")
		require.ErrorIs(t, s.FinishAnnouncement(ctx, store.AnnouncementOutcome{Key: "closing", FireAt: annT0, Owner: "dead", At: annT0}),
			core.ErrStale)
	})
}

// TestAnnouncementClaimRace has many claimers race for the same fire: one wins.
func TestAnnouncementClaimRace(t *testing.T) {
	storetest.Each(t, coretest.NewClock(annT0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for round := range 5 {
			fire := annT0.Add(time.Duration(round) * time.Minute)
			var wins atomic.Int32
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					won, err := s.ClaimAnnouncement(ctx, annClaim("race", fire, fmt.Sprintf("r%d", i), annT0))
					assert.NoError(t, err)
					if won {
						wins.Add(1)
					}
				})
			}
			wg.Wait()
			assert.EqualValues(t, 1, wins.Load(), "round %d", round)
		}
	})
}

func TestAnnouncementsListAndPrune(t *testing.T) {
	storetest.Each(t, coretest.NewClock(annT0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := range 4 {
			_, err := s.ClaimAnnouncement(ctx, annClaim("k", annT0.Add(time.Duration(i)*24*time.Hour), "a", annT0))
			require.NoError(t, err)
		}
		list, err := s.Announcements(ctx, annT0, annT0.Add(48*time.Hour))
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, annT0, list[0].FireAt)
		n, err := s.PruneAnnouncements(ctx, annT0.Add(48*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		list, err = s.Announcements(ctx, annT0.Add(-time.Hour), annT0.Add(100*time.Hour))
		require.NoError(t, err)
		assert.Len(t, list, 2)
	})
}

func TestReleasesCreatedBetween(t *testing.T) {
	storetest.Each(t, coretest.NewClock(annT0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		add := func(app string, at time.Time, st core.Status) {
			_, err := s.CreateRelease(ctx, core.Release{App: app, Kind: core.KindRelease, Status: st, Requester: "alice",
				Artifact: core.Artifact{Ref: app + at.String()}, CreatedAt: at, UpdatedAt: at, FinishedAt: at})
			require.NoError(t, err)
		}
		add("web", annT0.Add(-8*24*time.Hour), core.StatusSucceeded)
		add("web", annT0.Add(-24*time.Hour), core.StatusSucceeded)
		add("web", annT0.Add(-time.Hour), core.StatusFailed)
		add("api", annT0.Add(-2*time.Hour), core.StatusSucceeded)
		add("other", annT0.Add(-2*time.Hour), core.StatusSucceeded)
		add("web", annT0, core.StatusSucceeded)

		got, err := s.ReleasesCreatedBetween(ctx, []string{"web", "api"}, annT0.Add(-7*24*time.Hour), annT0)
		require.NoError(t, err)
		var labels []string
		for _, r := range got {
			labels = append(labels, fmt.Sprintf("%s v%d %s", r.App, r.Version, r.Status))
		}
		assert.Equal(t, []string{"api v1 succeeded", "web v2 succeeded", "web v3 failed"}, labels)
	})
}
