package redact_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core/redact"
)

type leaky struct{ DSN string }

func TestTheLogHandlerRedactsEverywhere(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(redact.NewLogHandler(slog.NewJSONHandler(&buf, nil), []string{"s3cr3t-value", "ab"}))
	log = log.With("conn", "user:s3cr3t-value@db").WithGroup("g")
	ctx := redact.WithLogAttrs(context.Background(), slog.Int64("release", 42))
	log.InfoContext(ctx, "dial s3cr3t-value failed", "err", errors.New("auth s3cr3t-value"),
		"cfg", leaky{DSN: "x:s3cr3t-value"}, "n", 7, slog.Group("inner", "k", "s3cr3t-value"), "plain", "ab stays")
	out := buf.String()
	assert.NotContains(t, out, "s3cr3t-value")
	assert.Equal(t, 5, strings.Count(out, redact.Mask), out)
	var line map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &line))
	assert.Equal(t, "user:[redacted]@db", line["conn"])
	g := line["g"].(map[string]any)
	assert.Equal(t, 7.0, g["n"], "values without a secret keep their type")
	assert.Equal(t, "ab stays", g["plain"], "values shorter than 4 characters are not redacted")
	assert.Equal(t, 42.0, g["release"], "the context's attributes are on the line")
}

// TestLogAttributesNotRepeated: an adapter naming its app on a logger the
// assembly already named it on, or a line repeating the context's release,
// prints each attribute once; a different value is kept.
func TestLogAttributesNotRepeated(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(redact.NewLogHandler(slog.NewTextHandler(&buf, nil), nil)).With("app", "web")
	ctx := redact.WithLogAttrs(context.Background(), slog.Int64("release", 42))
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
