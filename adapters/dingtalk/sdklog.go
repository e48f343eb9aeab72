package dingtalk

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
)

// SDKLogger adapts slog to the stream SDK's logger interface (Debugf,
// Infof, Warningf, Errorf, Fatalf), so bot/ can call
// logger.SetLogger(dingtalk.SDKLogger{…}) once at start-up, before any
// stream client runs: the SDK initialises its global logger lazily and
// without a lock.
//
// It also puts the SDK's lines at the level they deserve (see sdkLevel):
// the SDK reports a close dingops asked for, or a reconnect the gateway
// asked for, as three ERROR lines, which would page whoever alerts on
// ERROR logs for a normal event.
type SDKLogger struct {
	L *slog.Logger
	// To, when it holds a logger, is used instead of L: the SDK's logger
	// is process-wide and set once, while the transport that receives its
	// lines is built later (and, in tests, more than once).
	To *atomic.Pointer[slog.Logger]
}

// Debugf logs at debug level (the SDK's wire dumps).
func (l SDKLogger) Debugf(format string, args ...any) { l.log(slog.LevelDebug, format, args) }

// Infof logs at info level.
func (l SDKLogger) Infof(format string, args ...any) { l.log(slog.LevelInfo, format, args) }

// Warningf logs at warn level.
func (l SDKLogger) Warningf(format string, args ...any) { l.log(slog.LevelWarn, format, args) }

// Errorf logs at error level, except the lines of a normal close.
func (l SDKLogger) Errorf(format string, args ...any) { l.log(slog.LevelError, format, args) }

// Fatalf logs at error level and does not exit: a library must not end the
// process.
func (l SDKLogger) Fatalf(format string, args ...any) { l.log(slog.LevelError, format, args) }

func (l SDKLogger) log(level slog.Level, format string, args []any) {
	to := l.L
	if l.To != nil {
		if p := l.To.Load(); p != nil {
			to = p
		}
	}
	if to == nil {
		return
	}
	level, msg := sdkLevel(level, format, fmt.Sprintf(format, args...))
	// The SDK's interface carries no context.
	to.Log(context.Background(), level, msg, "component", "dingtalk-stream-sdk")
}

// closedConn is the error text of a read or close on a socket this
// process closed itself (net.ErrClosed).
const closedConn = "use of closed network connection"

// disconnectLine is our one line for the gateway's SYSTEM disconnect.
const disconnectLine = "dingtalk stream: the gateway asked for a reconnect (SYSTEM disconnect); reconnecting"

// sdkLevel re-levels the SDK's lines about a connection's end
// (open-dingtalk/dingtalk-stream-sdk-go v0.9.2-beta.1, client/client.go):
//
//   - "connection process read message error … use of closed network
//     connection": the read loop noticing that this side closed the socket
//     — our Close (shutdown), the SDK closing it after acknowledging a
//     SYSTEM disconnect, or a ping timeout (which is logged at ERROR by its
//     own line). Debug.
//   - "connection process is closed": always follows the read error line,
//     which says why. Debug.
//   - "StreamClient close. error=[… use of closed network connection]":
//     closing a socket that is already closed. Debug.
//   - the debug line "StreamClient.OnDisconnect": the gateway asked for a
//     reconnect; our one INFO line.
//
// Everything else keeps its level: a read error for any other reason (the
// gateway dropped the connection, a reset) is a real failure and stays
// ERROR.
func sdkLevel(level slog.Level, format, msg string) (slog.Level, string) {
	switch {
	case format == "StreamClient.OnDisconnect":
		return slog.LevelInfo, disconnectLine
	case format == "connection process is closed":
		return slog.LevelDebug, msg
	case strings.HasPrefix(format, "connection process read message error") && strings.Contains(msg, closedConn),
		strings.HasPrefix(format, "StreamClient close.") && strings.Contains(msg, closedConn):
		return slog.LevelDebug, msg
	}
	return level, msg
}
