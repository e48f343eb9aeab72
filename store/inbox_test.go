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

var inboxT0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func inbound(id string, at time.Time) store.InboundMessage {
	return store.InboundMessage{MsgID: id, ReceivedAt: at, ChatID: "cid-web", Sender: "alice", Body: `{"text":"/status"}`}
}

func TestInboxRecordDropsRepeats(t *testing.T) {
	storetest.Each(t, coretest.NewClock(inboxT0), func(t *testing.T, s *store.Store) {
		ctx, in := context.Background(), s.Inbox()
		fresh, err := in.Record(ctx, inbound("m1", inboxT0))
		require.NoError(t, err)
		assert.True(t, fresh)
		again := inbound("m1", inboxT0.Add(time.Minute))
		again.Body = "changed"
		fresh, err = in.Record(ctx, again)
		require.NoError(t, err)
		assert.False(t, fresh, "a redelivered message id is dropped")
		got, err := in.Get(ctx, "m1")
		require.NoError(t, err)
		assert.Equal(t, store.InboundMessage{MsgID: "m1", ReceivedAt: inboxT0, ChatID: "cid-web", Sender: "alice",
			Body: `{"text":"/status"}`, State: store.InboxPending}, got, "the first recording stays")
		_, err = in.Get(ctx, "nope")
		assert.ErrorIs(t, err, core.ErrNotFound)
		_, err = in.Record(ctx, store.InboundMessage{})
		assert.Error(t, err, "a message without id is refused")
	})
}

func TestInboxClaimLeaseAndDone(t *testing.T) {
	storetest.Each(t, coretest.NewClock(inboxT0), func(t *testing.T, s *store.Store) {
		ctx, in := context.Background(), s.Inbox()
		_, err := in.Record(ctx, inbound("m1", inboxT0))
		require.NoError(t, err)
		m, ok, err := in.Claim(ctx, "m1", "a", inboxT0, time.Minute)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "a", m.Owner)
		assert.Equal(t, inboxT0.Add(time.Minute), m.LeaseUntil)
		_, ok, err = in.Claim(ctx, "m1", "b", inboxT0.Add(30*time.Second), time.Minute)
		require.NoError(t, err)
		assert.False(t, ok, "a live claim holds")
		pending, err := in.Pending(ctx, inboxT0.Add(30*time.Second), 0)
		require.NoError(t, err)
		assert.Empty(t, pending, "a claimed message is not listed while its lease lasts")
		m, ok, err = in.Claim(ctx, "m1", "b", inboxT0.Add(time.Minute), time.Minute)
		require.NoError(t, err)
		require.True(t, ok, "a lapsed claim can be taken over (the owner died)")
		assert.Equal(t, "b", m.Owner)
		require.NoError(t, in.Done(ctx, "m1", inboxT0.Add(2*time.Minute)))
		_, ok, err = in.Claim(ctx, "m1", "c", inboxT0.Add(time.Hour), time.Minute)
		require.NoError(t, err)
		assert.False(t, ok, "a done message is never claimed again")
		m, err = in.Get(ctx, "m1")
		require.NoError(t, err)
		assert.Equal(t, store.InboxDone, m.State)
		assert.Equal(t, inboxT0.Add(2*time.Minute), m.DoneAt)
		_, ok, err = in.Claim(ctx, "nope", "a", inboxT0, time.Minute)
		require.NoError(t, err)
		assert.False(t, ok)
	})
}

func TestInboxConcurrentClaimsHaveOneWinner(t *testing.T) {
	storetest.Each(t, coretest.NewClock(inboxT0), func(t *testing.T, s *store.Store) {
		ctx, in := context.Background(), s.Inbox()
		_, err := in.Record(ctx, inbound("m1", inboxT0))
		require.NoError(t, err)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, ok, err := in.Claim(ctx, "m1", fmt.Sprintf("r%d", i), inboxT0, time.Minute)
				assert.NoError(t, err)
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
	})
}

func TestInboxPendingOldestFirstAndPrune(t *testing.T) {
	storetest.Each(t, coretest.NewClock(inboxT0), func(t *testing.T, s *store.Store) {
		ctx, in := context.Background(), s.Inbox()
		for i, id := range []string{"m3", "m1", "m2", "m4"} {
			_, err := in.Record(ctx, inbound(id, inboxT0.Add(time.Duration([]int{3, 1, 2, 4}[i])*time.Second)))
			require.NoError(t, err)
		}
		require.NoError(t, in.Done(ctx, "m2", inboxT0.Add(time.Hour)))
		require.NoError(t, in.Done(ctx, "m4", inboxT0.Add(3*time.Hour)))
		pending, err := in.Pending(ctx, inboxT0, 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"m1", "m3"}, ids(pending), "unfinished only, oldest first")
		pending, err = in.Pending(ctx, inboxT0, 1)
		require.NoError(t, err)
		assert.Equal(t, []string{"m1"}, ids(pending))
		n, err := in.Prune(ctx, inboxT0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 1, n, "only m2 was done before the cut")
		_, err = in.Get(ctx, "m2")
		assert.ErrorIs(t, err, core.ErrNotFound)
		for _, id := range []string{"m1", "m3", "m4"} {
			_, err := in.Get(ctx, id)
			assert.NoError(t, err, "%s is kept: unfinished or recent", id)
		}
	})
}

func ids(ms []store.InboundMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.MsgID
	}
	return out
}
