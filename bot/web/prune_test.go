package web_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store"
	"github.com/dingops/dingops/store/storetest"
)

func handled(t *testing.T, in *store.Inbox, id string, at time.Time) {
	ctx := context.Background()
	_, err := in.Record(ctx, store.InboundMessage{MsgID: id, ReceivedAt: at, ChatID: "cid", Sender: "alice", Body: "{}"})
	require.NoError(t, err)
	_, _, err = in.Claim(ctx, id, "r1", at, time.Minute)
	require.NoError(t, err)
	require.NoError(t, in.Done(ctx, id, at))
}

func TestThePrunerKeepsTheRetention(t *testing.T) {
	clock := coretest.NewClock(t0)
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	in := s.Inbox()
	handled(t, in, "old", t0.Add(-31*24*time.Hour))
	handled(t, in, "new", t0.Add(-29*24*time.Hour))
	failing := web.PruneFunc(func(context.Context, time.Time) (int, error) { return 0, errors.New("disk on fire") })
	p := web.NewPruner(web.PrunerConfig{Stores: map[string]web.Prunable{"inbox": in, "announcements": web.PruneFunc(s.PruneAnnouncements),
		"broken": failing}, Retention: 30 * 24 * time.Hour, Clock: clock})
	assert.Equal(t, "pruner", p.Name())

	err := p.PruneOnce(context.Background())
	require.Error(t, err, "a failing store is reported")
	assert.Contains(t, err.Error(), "pruning broken: disk on fire")
	_, err = in.Get(context.Background(), "old")
	assert.ErrorIs(t, err, core.ErrNotFound, "older than the retention: gone, though another store failed")
	_, err = in.Get(context.Background(), "new")
	assert.NoError(t, err, "within the retention: kept")
}

func TestThePrunerRunsAtOnceAndStopsWithItsContext(t *testing.T) {
	clock := coretest.NewClock(t0)
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	handled(t, s.Inbox(), "old", t0.Add(-800*time.Hour))
	p := web.NewPruner(web.PrunerConfig{Stores: map[string]web.Prunable{"inbox": s.Inbox()}, Clock: clock})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	require.Eventually(t, func() bool {
		_, err := s.Inbox().Get(context.Background(), "old")
		return errors.Is(err, core.ErrNotFound)
	}, 10*time.Second, 10*time.Millisecond, "the default retention is 720h")
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}
