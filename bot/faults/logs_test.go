package faults

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuietReconnectAndShutdown: a real `dingops serve` gets DingTalk's
// SYSTEM disconnect, reconnects, and is stopped with SIGTERM; its log has
// no ERROR line (the stream SDK used to log three per connection end, so
// alerting on ERROR paged someone for a normal reconnect) and one line of
// ours for the disconnect.
func TestQuietReconnectAndShutdown(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.start("replica-a")
	require.Eventually(t, func() bool { return a.logged("dingtalk stream connected") >= 1 }, patience, 20*time.Millisecond)
	w.dt.Disconnect()
	require.Eventually(t, func() bool { return a.logged("dingtalk stream connected") >= 2 }, patience, 20*time.Millisecond,
		"reconnected:\n%s", a.tail(20))
	code, err := a.term(w.set.Drain + patience)
	require.NoError(t, err)
	assert.Equal(t, 0, code, a.tail(20))
	var errs []string
	for _, e := range a.entries() {
		if e["level"] == "ERROR" {
			errs = append(errs, fmt.Sprint(e["msg"]))
		}
	}
	assert.Empty(t, errs, "no ERROR line for a normal reconnect and shutdown")
	assert.Equal(t, 1, a.logged("dingtalk stream: the gateway asked for a reconnect (SYSTEM disconnect); reconnecting"))
}
