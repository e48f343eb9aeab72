package web_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dingops/dingops/bot/web"
)

// TestLogAttributesNotRepeated: an adapter naming its app on a logger the
// assembly already named it on, or a line repeating the context's release,
// prints each attribute once; a different value is kept.
func TestLogAttributesNotRepeated(t *testing.T) {
	var buf syncBuffer
	log := slog.New(web.NewLogHandler(slog.NewTextHandler(&buf, nil), nil)).With("app", "web")
	ctx := web.WithLogAttrs(context.Background(), slog.Int64("release", 42))
	log.With("app", "web", "agent", "3001").InfoContext(ctx, "deploy", "app", "web", "release", int64(42), "step", 1)
	log.Info("other", "app", "api")
	log.WithGroup("g").Info("grouped", "app", "web")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	assert.Equal(t, 1, strings.Count(lines[0], "app=web"), lines[0])
	assert.Equal(t, 1, strings.Count(lines[0], "release=42"), lines[0])
	assert.Contains(t, lines[0], "agent=3001")
	assert.Contains(t, lines[1], "app=web", "a different value is a different fact")
	assert.Contains(t, lines[1], "app=api")
	assert.Contains(t, lines[2], "g.app=web", "inside a group the key is another")
}
