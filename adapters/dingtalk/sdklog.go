package dingtalk

import (
	"context"
	"fmt"
	"log/slog"
)

// SDKLogger adapts slog to the stream SDK's logger interface (Debugf,
// Infof, Warningf, Errorf, Fatalf), so bot/ can call
// logger.SetLogger(dingtalk.SDKLogger{L: log}) once at start-up, before any
// stream client runs: the SDK initialises its global logger lazily and
// without a lock.
type SDKLogger struct {
	L *slog.Logger
}

// Debugf logs at debug level (the SDK's wire dumps).
func (l SDKLogger) Debugf(format string, args ...any) { l.log(slog.LevelDebug, format, args) }

// Infof logs at info level.
func (l SDKLogger) Infof(format string, args ...any) { l.log(slog.LevelInfo, format, args) }

// Warningf logs at warn level.
func (l SDKLogger) Warningf(format string, args ...any) { l.log(slog.LevelWarn, format, args) }

// Errorf logs at error level.
func (l SDKLogger) Errorf(format string, args ...any) { l.log(slog.LevelError, format, args) }

// Fatalf logs at error level and does not exit: a library must not end the
// process.
func (l SDKLogger) Fatalf(format string, args ...any) { l.log(slog.LevelError, format, args) }

func (l SDKLogger) log(level slog.Level, format string, args []any) {
	if l.L == nil {
		return
	}
	// The SDK's interface carries no context.
	l.L.Log(context.Background(), level, fmt.Sprintf(format, args...), "component", "dingtalk-stream-sdk")
}
