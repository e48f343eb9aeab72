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

var t0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func rel(app string, status core.Status, n int) core.Release {
	return core.Release{App: app, Kind: core.KindRelease, Status: status, Requester: "alice", CreatedAt: t0, UpdatedAt: t0,
		FinishedAt: t0, Artifact: core.Artifact{Kind: core.TargetOSS, Ref: fmt.Sprintf("%s/m.%d.json", app, n)}}
}

func TestCreateAndRead(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, err := s.CreateRelease(ctx, rel("web", core.StatusSucceeded, 1))
		require.NoError(t, err)
		b, err := s.CreateRelease(ctx, rel("api", core.StatusSucceeded, 1))
		require.NoError(t, err)
		c, err := s.CreateRelease(ctx, rel("web", core.StatusSucceeded, 2))
		require.NoError(t, err)
		assert.Equal(t, []int{1, 1, 2}, []int{a.Version, b.Version, c.Version}, "versions are per app")
		assert.Less(t, int64(a.ID), int64(c.ID), "ids are global")
		live, err := s.Live(ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, c.ID, live.ID)
		_, err = s.Live(ctx, "nope")
		assert.ErrorIs(t, err, core.ErrNotFound)
		got, err := s.ReleaseByVersion(ctx, "web", 1)
		require.NoError(t, err)
		assert.Equal(t, a.Artifact, got.Artifact)
		assert.True(t, got.CreatedAt.Equal(t0))

		r := rel("web", core.StatusPendingApproval, 3)
		r.OriginMsgID = "msg-1"
		p, err := s.CreateRelease(ctx, r)
		require.NoError(t, err)
		again, err := s.CreateRelease(ctx, r)
		assert.ErrorIs(t, err, core.ErrDuplicate)
		assert.Equal(t, p.ID, again.ID)
		r.OriginMsgID = "msg-2"
		active, err := s.CreateRelease(ctx, r)
		assert.ErrorIs(t, err, core.ErrActiveExists)
		assert.Equal(t, p.ID, active.ID)
		_, err = s.Release(ctx, 999)
		assert.ErrorIs(t, err, core.ErrNotFound)
	})
}

func TestOneActiveUnderRace(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rel("web", core.StatusPendingApproval, i)
				r.OriginMsgID = fmt.Sprint("m", i)
				_, err := s.CreateRelease(context.Background(), r)
				if err == nil {
					mu.Lock()
					created++
					mu.Unlock()
				} else {
					assert.ErrorIs(t, err, core.ErrActiveExists)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, 1, created)
	})
}

func TestHistoryPaging(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := 1; i <= 7; i++ {
			_, err := s.CreateRelease(ctx, rel("web", core.StatusSucceeded, i))
			require.NoError(t, err)
		}
		page, err := s.History(ctx, "web", 0, 3)
		require.NoError(t, err)
		require.Len(t, page, 3)
		assert.Equal(t, []int{7, 6, 5}, versions(page))
		page, err = s.History(ctx, "web", 5, 10)
		require.NoError(t, err)
		assert.Equal(t, []int{4, 3, 2, 1}, versions(page))
	})
}

func versions(rs []core.Release) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Version
	}
	return out
}

func TestTransitionsAndLocks(t *testing.T) {
	clock := coretest.NewClock(t0)
	storetest.Each(t, clock, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r, err := s.CreateRelease(ctx, rel("web", core.StatusApproved, 1))
		require.NoError(t, err)
		c, err := s.Claim(ctx, r.ID, "w1", t0, 10*time.Second)
		require.NoError(t, err)
		assert.Equal(t, core.StatusBuilding, c.Release.Status, "a fresh claim of a release moves on to building")
		assert.Equal(t, "w1", c.Lock.Holder)
		assert.False(t, c.Resumed)
		_, err = s.Claim(ctx, r.ID, "w2", t0, 10*time.Second)
		assert.ErrorIs(t, err, core.ErrStale)
		require.NoError(t, s.Renew(ctx, "web", "w1", t0.Add(5*time.Second), 10*time.Second))
		assert.ErrorIs(t, s.Renew(ctx, "web", "w2", t0, time.Second), core.ErrStale)
		_, err = s.Claim(ctx, r.ID, "w2", t0.Add(14*time.Second), 10*time.Second)
		assert.ErrorIs(t, err, core.ErrStale, "renewed lease still holds")
		c, err = s.Claim(ctx, r.ID, "w2", t0.Add(16*time.Second), 10*time.Second)
		require.NoError(t, err, "lapsed lease is taken over")
		assert.True(t, c.Resumed)

		_, err = s.Transition(ctx, r.ID, []core.Status{core.StatusApproved}, core.StatusDeploying, core.Change{At: t0})
		assert.ErrorIs(t, err, core.ErrStale)
		msg := "boom"
		d, err := s.Transition(ctx, r.ID, []core.Status{core.StatusBuilding}, core.StatusDeploying, core.Change{At: t0, Error: &msg})
		require.NoError(t, err)
		assert.Equal(t, "boom", d.Error)
		_, err = s.Finish(ctx, r.ID, core.InFlightStatuses, core.Outcome{Status: core.StatusSucceeded, At: t0, Worker: "w1"})
		assert.ErrorIs(t, err, core.ErrStale, "only the lock holder finishes")
		_, err = s.Finish(ctx, r.ID, core.InFlightStatuses, core.Outcome{Status: core.StatusSucceeded, At: t0, Worker: "w2"})
		require.NoError(t, err)
		locks, err := s.Locks(ctx, "web")
		require.NoError(t, err)
		assert.Empty(t, locks)

		held, err := s.Freeze(ctx, core.Lock{App: "web", Kind: core.LockManual, Holder: "alice", Reason: "x", Since: t0})
		require.NoError(t, err)
		again, err := s.Freeze(ctx, core.Lock{App: "web", Kind: core.LockManual, Holder: "bob", Since: t0})
		assert.ErrorIs(t, err, core.ErrLocked)
		assert.Equal(t, held.Holder, again.Holder)
		gone, err := s.Unfreeze(ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, "alice", gone.Holder)
		_, err = s.Unfreeze(ctx, "web")
		assert.ErrorIs(t, err, core.ErrNotFound)
	})
}

func TestAuditAndReplicas(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i, k := range []core.AuditKind{core.AuditRequest, core.AuditApprove, core.AuditRefusal} {
			require.NoError(t, s.Append(ctx, core.AuditEvent{At: t0.Add(time.Duration(i) * time.Hour), Actor: "alice", Kind: k, App: "web", ReleaseID: 1}))
		}
		require.NoError(t, s.Append(ctx, core.AuditEvent{At: t0, Actor: "bob", Kind: core.AuditLock, App: "api"}))
		evs, err := s.Audit(ctx, core.AuditFilter{App: "web", Since: t0.Add(time.Hour)})
		require.NoError(t, err)
		assert.Len(t, evs, 2)
		evs, err = s.Audit(ctx, core.AuditFilter{Actor: "bob"})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Equal(t, core.AuditLock, evs[0].Kind)
		require.NoError(t, s.Beat(ctx, "r1", t0))
		require.NoError(t, s.Beat(ctx, "r2", t0.Add(-time.Minute)))
		alive, err := s.Alive(ctx, t0.Add(-10*time.Second))
		require.NoError(t, err)
		assert.Equal(t, []string{"r1"}, alive)
	})
}

// TestReplicaLeaves: a replica that stops cleanly clears its heartbeat at
// once instead of looking alive until it lapses; leaving twice is no error.
func TestReplicaLeaves(t *testing.T) {
	storetest.Each(t, coretest.NewClock(t0), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		require.NoError(t, s.Beat(ctx, "r1", t0))
		require.NoError(t, s.Beat(ctx, "r2", t0))
		require.NoError(t, s.Leave(ctx, "r1"))
		require.NoError(t, s.Leave(ctx, "r1"))
		require.NoError(t, s.Leave(ctx, "never-beat"))
		alive, err := s.Alive(ctx, t0.Add(-10*time.Second))
		require.NoError(t, err)
		assert.Equal(t, []string{"r2"}, alive)
		require.NoError(t, s.Beat(ctx, "r1", t0.Add(time.Second)), "a restarted replica beats again")
		alive, err = s.Alive(ctx, t0.Add(-10*time.Second))
		require.NoError(t, err)
		assert.Equal(t, []string{"r1", "r2"}, alive)
	})
}

func TestMigrationsConcurrentAndIdempotent(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := b.DSN(t)
			ctx := context.Background()
			var wg sync.WaitGroup
			stores := make([]*store.Store, 4)
			for i := range stores {
				s, err := store.Open(ctx, dsn, store.Options{})
				require.NoError(t, err)
				defer s.Close()
				stores[i] = s
			}
			for _, s := range stores {
				wg.Add(1)
				go func() { defer wg.Done(); assert.NoError(t, s.Migrate(ctx)) }()
			}
			wg.Wait()
			id, err := stores[0].InstallationID(ctx)
			require.NoError(t, err)
			require.NoError(t, stores[1].Migrate(ctx))
			again, err := stores[2].InstallationID(ctx)
			require.NoError(t, err)
			assert.Equal(t, id, again, "the installation id is created once")
			n, err := stores[3].Pending(ctx)
			require.NoError(t, err)
			assert.Zero(t, n)
		})
	}
}
