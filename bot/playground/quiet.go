package playground

import (
	"context"
	"log/slog"
)

// sdkComponent marks the stream SDK's own log lines (adapters/dingtalk).
const sdkComponent = "dingtalk-stream-sdk"

// quietOnStop drops the stream SDK's lines once stop is closed: after
// Ctrl-C the SDK reports its own connection closing as errors, which would
// be the last thing a newcomer reads. Every other line still goes out.
type quietOnStop struct {
	slog.Handler
	stop <-chan struct{}
}

// Handle drops an SDK line after the stop.
func (q quietOnStop) Handle(ctx context.Context, r slog.Record) error {
	select {
	case <-q.stop:
		sdk := false
		r.Attrs(func(a slog.Attr) bool {
			sdk = a.Key == "component" && a.Value.String() == sdkComponent
			return !sdk
		})
		if sdk {
			return nil
		}
	default:
	}
	return q.Handler.Handle(ctx, r)
}

// WithAttrs keeps the filter on derived loggers.
func (q quietOnStop) WithAttrs(as []slog.Attr) slog.Handler {
	return quietOnStop{Handler: q.Handler.WithAttrs(as), stop: q.stop}
}

// WithGroup keeps the filter on derived loggers.
func (q quietOnStop) WithGroup(name string) slog.Handler {
	return quietOnStop{Handler: q.Handler.WithGroup(name), stop: q.stop}
}
