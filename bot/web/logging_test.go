package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/redact"
)

// exampleEnv holds a value for every secret configs/example.yaml names.
var exampleEnv = map[string]string{
	"DINGOPS_API_TOKEN":         token,
	"DINGOPS_DINGTALK_SECRET":   "dt-client-secret-7Hq2",
	"DINGOPS_JENKINS_TOKEN":     "jenkins-token-11aa22bb",
	"DINGOPS_GIT_TOKEN":         "glpat-git-token-9x8y",
	"DINGOPS_OSS_SECRET":        "oss-secret-Zk4mW0",
	"DINGOPS_REGISTRY_PASSWORD": "registry-pass-Qq77",
	"DINGOPS_DSN":               "postgres://dingops:pg-pass-5b4a3c@db.internal:5432/dingops",
	"DINGOPS_GIT_SSH_KEY":       "/secrets/id_ed25519",
}

func exampleConfig(t *testing.T) *configs.Config {
	data, err := os.ReadFile("../../configs/example.yaml")
	require.NoError(t, err)
	cfg, probs, err := configs.Parse(data, "example.yaml", func(k string) string { return exampleEnv[k] })
	require.NoError(t, err, "%v", probs)
	return cfg
}

// tee writes every record to each handler.
type tee []slog.Handler

func (t tee) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t tee) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range t {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (t tee) WithGroup(name string) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}

// TestAFullFlowLogsNoSecret runs the API with the token, a login, chat
// requests, an approval and the worker's execution with every part logging
// at debug level, and greps the logs for every configured secret: the
// handler's output has none, and the flow itself writes none even before
// redaction.
func TestAFullFlowLogsNoSecret(t *testing.T) {
	cfg := exampleConfig(t)
	secrets := system.SecretValues(cfg, func(k string) string { return exampleEnv[k] })
	var raw, clean syncBuffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	redacting := redact.NewLogHandler(slog.NewJSONHandler(&clean, debug), secrets)
	f := newFixtureLog(t, slog.New(tee{slog.NewJSONHandler(&raw, debug), redacting}))

	f.seed()
	code, _ := f.get("/api/v1/apps/web/releases")
	require.Equal(t, http.StatusOK, code)
	code, _, _ = f.call(http.MethodGet, "/api/v1/apps/web/releases", "", "Authorization", "Bearer "+exampleEnv["DINGOPS_OSS_SECRET"])
	require.Equal(t, http.StatusUnauthorized, code)
	code, _, _ = f.call(http.MethodPost, "/login", "token="+token, "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusSeeOther, code)
	reply := f.bot.Handle(f.ctx, bot.Message{ID: "msg-1", ChatID: "cid-web", Group: true, StaffID: "alice",
		Text: "/rollback web v2 " + "again", Origin: core.OriginText, At: f.clock.Now()})
	require.NotNil(t, reply.Release, reply.Text)
	reply = f.bot.Handle(f.ctx, bot.Message{ID: "msg-2", ChatID: "cid-web", Group: true, StaffID: "carol",
		Text: fmt.Sprintf("/approve %d", reply.Release.ID), Origin: core.OriginText, At: f.clock.Now()})
	require.False(t, reply.Refused, reply.Text)
	require.NoError(t, f.eng.NewWorker(core.WorkerConfig{ID: "w2"}).Execute(f.ctx, reply.Release.ID))
	// A driver error that quotes its DSN: the handler catches what code forgot.
	slog.New(redacting).Debug("dialing", "err", fmt.Errorf("dial %s: refused", exampleEnv["DINGOPS_DSN"]))

	for _, s := range secrets {
		assert.NotContains(t, clean.String(), s)
		assert.NotContains(t, raw.String(), s, "the flow itself logged a secret")
	}
	assert.Contains(t, clean.String(), "dial postgres://dingops:[redacted]@db.internal")
	webLines := 0
	for _, line := range strings.Split(strings.TrimSpace(clean.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m["listener"] != "web" {
			continue
		}
		webLines++
		assert.NotEmpty(t, m["request_id"], "every line of a request names it: %s", line)
		if m["msg"] == "release recorded" {
			assert.NotZero(t, m["release"], line)
		}
	}
	assert.Greater(t, webLines, 5)
}
