package dingtalk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/dingtalk"
)

// TestConcurrentCardCalls: one Client serves card, robot and token calls
// from many goroutines at once. The SDK's clients write a shared field on
// every call (GetRpcHeaders), so with one SDK client per kind this test
// fails under -race; the client hands each call its own.
func TestConcurrentCardCalls(t *testing.T) {
	t.Parallel()
	emu, c := setup(t)
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("race-%d", i)
			errs <- c.CreateAndDeliverCard(ctx, dingtalk.Card{TemplateID: "tpl.schema", OutTrackID: id,
				ConversationID: "cidG==", Data: map[string]string{"body": id}})
			errs <- c.UpdateCard(ctx, dingtalk.CardUpdate{OutTrackID: id, Data: map[string]string{"status": "done"}})
			_, err := c.AccessToken(ctx)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range n {
		card, ok := emu.Card(fmt.Sprintf("race-%d", i))
		require.True(t, ok)
		assert.Equal(t, "done", card.Data["status"])
	}
}
