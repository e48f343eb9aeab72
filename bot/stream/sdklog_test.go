package stream

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// levels records every log line's level and message.
type levels struct {
	mu    sync.Mutex
	lines []slog.Record
}

func (l *levels) Enabled(context.Context, slog.Level) bool { return true }
func (l *levels) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *levels) WithGroup(string) slog.Handler            { return l }
func (l *levels) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, r)
	return nil
}

// count is how many lines are at level at least min and contain text.
func (l *levels) count(min slog.Level, text string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.lines {
		if r.Level >= min && strings.Contains(r.Message, text) {
			n++
		}
	}
	return n
}

func (l *levels) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.lines {
		if r.Level >= slog.LevelError {
			out = append(out, r.Message)
		}
	}
	return out
}

// TestNormalReconnectAndShutdownLogNoErrors: the gateway's SYSTEM
// disconnect, the reconnect after it, and a shutdown (SIGTERM: serve
// cancels Run's context, then closes the transport) log no ERROR line —
// the SDK's three per connection end become debug lines, and the
// disconnect one INFO line of ours. Not parallel: the SDK's logger is
// process-wide, so lines of another test's connections would land here.
func TestNormalReconnectAndShutdownLogNoErrors(t *testing.T) {
	rec := &levels{}
	e := sqlite(t)
	r := e.start("r1", func(c *Config) { c.Logger = slog.New(rec) })
	e.emu.Disconnect()
	require.Eventually(t, func() bool { return r.tr.Reconnects() >= 1 && r.tr.Connected() }, wait, 5*time.Millisecond)
	e.say("cid-ops", "alice", "/whoami")
	_, err := e.emu.WaitReplies(wait, 1)
	require.NoError(t, err)
	r.stop()
	require.Eventually(t, func() bool { return rec.count(slog.LevelDebug, "connection process is closed") >= 2 }, wait,
		5*time.Millisecond, "both connections' ends were logged")
	assert.Empty(t, rec.errors())
	assert.Equal(t, 1, rec.count(slog.LevelInfo, "SYSTEM disconnect"), "one line of ours for the disconnect")
	assert.Equal(t, 1, rec.count(slog.LevelInfo, "dingtalk stream stopped"))
	assert.Zero(t, rec.count(slog.LevelInfo, "use of closed network connection"), "the SDK's close lines are debug")
}

// TestDroppedConnectionIsStillAnError: a connection the gateway drops
// without a disconnect is a real failure and keeps the SDK's ERROR line.
func TestDroppedConnectionIsStillAnError(t *testing.T) {
	rec := &levels{}
	e := sqlite(t)
	r := e.start("r1", func(c *Config) { c.Logger = slog.New(rec) })
	e.emu.DropConnections()
	require.Eventually(t, func() bool { return r.tr.Reconnects() >= 1 && r.tr.Connected() }, wait, 5*time.Millisecond)
	require.Eventually(t, func() bool { return rec.count(slog.LevelError, "read message error") >= 1 }, wait, 5*time.Millisecond)
}
