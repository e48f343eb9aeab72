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

func TestCardsRecordAndRead(t *testing.T) {
	storetest.Each(t, coretest.NewClock(inboxT0), func(t *testing.T, s *store.Store) {
		ctx, cards := context.Background(), s.Cards()
		a := store.CardRecord{OutTrackID: "inst-7-aa", ReleaseID: 7, ChatID: "cid-a", Language: "zh", CreatedAt: inboxT0}
		b := store.CardRecord{OutTrackID: "inst-7-bb", ReleaseID: 7, ChatID: "cid-b", Language: "en", Markdown: true,
			CreatedAt: inboxT0.Add(time.Second)}
		other := store.CardRecord{OutTrackID: "inst-8", ReleaseID: 8, ChatID: "cid-a", Language: "zh", CreatedAt: inboxT0}
		for _, r := range []store.CardRecord{b, a, other} {
			require.NoError(t, cards.Record(ctx, r))
		}
		got, err := cards.OfRelease(ctx, 7)
		require.NoError(t, err)
		assert.Equal(t, []store.CardRecord{a, b}, got, "a release's cards, oldest first")
		one, err := cards.ByTrackID(ctx, "inst-7-bb")
		require.NoError(t, err)
		assert.Equal(t, b, one)
		_, err = cards.ByTrackID(ctx, "nope")
		assert.ErrorIs(t, err, core.ErrNotFound)
		none, err := cards.OfRelease(ctx, 99)
		require.NoError(t, err)
		assert.Empty(t, none)
	})
}

func TestCardsRecordIsIdempotent(t *testing.T) {
	storetest.Each(t, coretest.NewClock(inboxT0), func(t *testing.T, s *store.Store) {
		ctx, cards := context.Background(), s.Cards()
		a := store.CardRecord{OutTrackID: "inst-7", ReleaseID: 7, ChatID: "cid-a", Language: "zh", CreatedAt: inboxT0}
		require.NoError(t, cards.Record(ctx, a))
		require.NoError(t, cards.Record(ctx, a), "the same card again")
		dup := a
		dup.OutTrackID, dup.Language = "inst-7-again", "en"
		require.NoError(t, cards.Record(ctx, dup), "another card of the same release and chat")
		got, err := cards.OfRelease(ctx, 7)
		require.NoError(t, err)
		assert.Equal(t, []store.CardRecord{a}, got, "the first card stays the release's card in that chat")
		assert.Error(t, cards.Record(ctx, store.CardRecord{ReleaseID: 7}), "a card needs its track id")
	})
}
