package dingtalk

import (
	"bytes"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSDKLevels: the SDK's lines (its exact format strings, v0.9.2-beta.1
// client/client.go) about a close this side made are debug, the
// disconnect one INFO line, and a real failure stays ERROR.
func TestSDKLevels(t *testing.T) {
	closed := "read tcp 127.0.0.1:5->127.0.0.1:6: use of closed network connection"
	cases := []struct {
		name   string
		level  slog.Level
		format string
		args   []any
		want   slog.Level
	}{
		{"read after our close", slog.LevelError, "connection process read message error: messageType=[%d] message=[%s] error=[%s]",
			[]any{-1, "", closed}, slog.LevelDebug},
		{"loop end", slog.LevelError, "connection process is closed", nil, slog.LevelDebug},
		{"second close", slog.LevelError, "StreamClient close. error=[%s]", []any{"close tcp x: use of closed network connection"}, slog.LevelDebug},
		{"disconnect", slog.LevelDebug, "StreamClient.OnDisconnect", nil, slog.LevelInfo},
		{"gateway dropped us", slog.LevelError, "connection process read message error: messageType=[%d] message=[%s] error=[%s]",
			[]any{-1, "", "websocket: close 1006 (abnormal closure): unexpected EOF"}, slog.LevelError},
		{"ping timeout", slog.LevelError, "ping time out, connection is closing", nil, slog.LevelError},
		{"close failed otherwise", slog.LevelError, "StreamClient close. error=[%s]", []any{"broken pipe"}, slog.LevelError},
		{"connected", slog.LevelInfo, "connect success, sessionId=[%s]", []any{"s1"}, slog.LevelInfo},
	}
	for _, c := range cases {
		got, _ := sdkLevel(c.level, c.format, fmt.Sprintf(c.format, c.args...))
		assert.Equal(t, c.want, got, c.name)
	}
}

func TestSDKLoggerFollowsTo(t *testing.T) {
	var a, b bytes.Buffer
	var to atomic.Pointer[slog.Logger]
	l := SDKLogger{L: slog.New(slog.NewTextHandler(&a, nil)), To: &to}
	l.Infof("first")
	to.Store(slog.New(slog.NewTextHandler(&b, nil)))
	l.Infof("second")
	assert.Contains(t, a.String(), "first")
	assert.Contains(t, b.String(), "second")
	assert.NotContains(t, a.String(), "second")
}
