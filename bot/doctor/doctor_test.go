package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunKeepsOrderAndCounts(t *testing.T) {
	checks := []Check{
		Static("store", "reachable", "ping", Pass("sqlite")),
		Static("oss", "fixed key", "HEAD k", Failed("403 AccessDenied", "grant oss:GetObject")),
		Static("calendar", "holiday data", "read", Warning("30 days left", "upgrade")),
	}
	rs := Run(context.Background(), checks, time.Second)
	require.Len(t, rs, 3)
	assert.Equal(t, []Status{OK, Fail, Warn}, []Status{rs[0].Status, rs[1].Status, rs[2].Status})
	assert.Equal(t, 1, ExitCode(rs))
	assert.Equal(t, 0, ExitCode(rs[:1]))
	assert.Equal(t, 0, ExitCode([]Result{rs[0], rs[2]}), "warnings do not fail")
}

func TestTimeoutIsOneClearLine(t *testing.T) {
	hang := Check{Integration: "jenkins", Name: "auth", Tried: "GET /whoAmI", Run: func(ctx context.Context) Outcome {
		<-ctx.Done()
		return FailedErr(errors.New("Get \"http://x\":\ncontext deadline exceeded"), "")
	}}
	never := Check{Integration: "git", Name: "ls-remote", Tried: "git ls-remote", Run: func(context.Context) Outcome {
		select {}
	}}
	rs := Run(context.Background(), []Check{hang, never}, 20*time.Millisecond)
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, rs, nil))
	for _, r := range rs {
		assert.Equal(t, Fail, r.Status)
		assert.Contains(t, r.Detail, "no answer within 20ms")
	}
	assert.Equal(t, 5, strings.Count(b.String(), "\n"), b.String())
}

func TestPanicIsAFailure(t *testing.T) {
	rs := Run(context.Background(), []Check{{Integration: "x", Name: "y", Run: func(context.Context) Outcome { panic("boom") }}}, time.Second)
	assert.Equal(t, Fail, rs[0].Status)
	assert.Contains(t, rs[0].Detail, "boom")
}

func TestCanarySecretNeverPrinted(t *testing.T) {
	const canary = "CANARY-s3cr3t-value"
	rs := Run(context.Background(), []Check{
		Static("dingtalk", "token "+canary, "POST with "+canary, Failed("echo "+canary, "set "+canary)),
	}, time.Second)
	red := Redactor{canary}
	var text, js bytes.Buffer
	require.NoError(t, WriteText(&text, rs, red))
	require.NoError(t, WriteJSON(&js, rs, red))
	assert.NotContains(t, text.String(), canary)
	assert.NotContains(t, js.String(), canary)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	assert.Equal(t, float64(1), doc["summary"].(map[string]any)["failed"])
}

func TestMissingEnvNamesTheVariable(t *testing.T) {
	rs := Run(context.Background(), []Check{MissingEnv("jenkins", "token", "jenkins.token_env", "JENKINS_TOKEN")}, time.Second)
	assert.Contains(t, rs[0].Detail, "JENKINS_TOKEN")
	assert.Contains(t, rs[0].Fix, "export JENKINS_TOKEN")
}
