package redact

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
)

type logAttrsKey struct{}

// WithLogAttrs returns a context whose log lines carry attrs (a request id,
// a release id, a message id): every line a LogHandler writes with that
// context, through any logger's …Context methods, gets them.
func WithLogAttrs(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev, _ := ctx.Value(logAttrsKey{}).([]slog.Attr)
	all := make([]slog.Attr, 0, len(prev)+len(attrs))
	all = append(append(all, prev...), attrs...)
	return context.WithValue(ctx, logAttrsKey{}, all)
}

// NewLogHandler wraps next so that no line carries a secret: every
// occurrence of a value in secrets, in the message or any attribute
// (strings, errors, groups, values that print one), becomes Mask.
// It also adds the attributes of WithLogAttrs from the line's context.
// Wrap the process's one handler with it at start, before anything logs.
func NewLogHandler(next slog.Handler, secrets []string) slog.Handler {
	return &logHandler{next: next, r: New(secrets...)}
}

type logHandler struct {
	next slog.Handler
	r    *Redactor
	// bound are the top-level attributes With added (none once a group is
	// open): a line repeating one with the same value, as an adapter that
	// names its app on a logger the assembly already named it on does,
	// does not print it twice (app=web app=web).
	bound   []slog.Attr
	grouped bool
}

// seen reports whether a has been written already, with the same value,
// as a bound attribute or one of out's.
func (h *logHandler) seen(a slog.Attr, out []slog.Attr) bool {
	if h.grouped {
		return false
	}
	same := func(b slog.Attr) bool { return b.Key == a.Key && b.Value.Equal(a.Value) }
	return slices.ContainsFunc(h.bound, same) || slices.ContainsFunc(out, same)
}

func (h *logHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.redact(r.Message), r.PC)
	var attrs []slog.Attr
	add := func(a slog.Attr) {
		if a = h.attr(a); !h.seen(a, attrs) {
			attrs = append(attrs, a)
		}
	}
	r.Attrs(func(a slog.Attr) bool {
		add(a)
		return true
	})
	if extra, ok := ctx.Value(logAttrsKey{}).([]slog.Attr); ok {
		for _, a := range extra {
			add(a)
		}
	}
	out.AddAttrs(attrs...)
	return h.next.Handle(ctx, out)
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, 0, len(as))
	for _, a := range as {
		if a = h.attr(a); !h.seen(a, clean) {
			clean = append(clean, a)
		}
	}
	c := *h
	c.next = h.next.WithAttrs(clean)
	if !h.grouped {
		c.bound = append(slices.Clip(h.bound), clean...)
	}
	return &c
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.next, c.grouped = h.next.WithGroup(name), true
	return &c
}

func (h *logHandler) redact(s string) string { return h.r.Redact(s) }

func (h *logHandler) leaks(s string) bool { return h.r.Leaks(s) }

func (h *logHandler) attr(a slog.Attr) slog.Attr {
	a.Key = h.redact(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(h.redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		a.Value = h.anyValue(v)
	default:
		a.Value = v
	}
	return a
}

// anyValue prints a value the way a handler would only when it holds a
// secret; a value without one passes on untouched, keeping its JSON form.
func (h *logHandler) anyValue(v slog.Value) slog.Value {
	var s string
	switch x := v.Any().(type) {
	case error:
		s = x.Error()
	default:
		s = fmt.Sprintf("%+v", x)
	}
	if !h.leaks(s) {
		return v
	}
	return slog.StringValue(h.redact(s))
}
