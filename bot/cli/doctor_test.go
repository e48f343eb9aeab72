package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/cli"
)

const canary = "CANARY-jenkins-token-7f3a"

func doctorConfig(t *testing.T, jenkins bool) string {
	dir := t.TempDir()
	y := "store:\n  dsn: " + filepath.Join(dir, "d.db") + "\nteams:\n  sre: [bob]\nchats:\n  ops: {conversation_id: cid-ops}\n" +
		"apps:\n  web:\n    target:\n      kind: container\n      script:\n        command: [\"true\"]\n    chats: [ops]\n" +
		"    release_teams: [sre]\n    approver_teams: [sre]\n"
	if jenkins {
		y += "    repo: /nonexistent/shop.git\n    jenkins_job: shop/web\njenkins:\n  url: http://127.0.0.1:1\n  user: dingops\n  token_env: DOCTOR_JENKINS_TOKEN\n"
	}
	p := filepath.Join(dir, "c.yaml")
	require.NoError(t, os.WriteFile(p, []byte(y), 0o600))
	var out bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return canary }}
	require.Equal(t, 0, cli.Main(context.Background(), []string{"migrate", "--config", p}, env), out.String())
	return p
}

func runDoctor(t *testing.T, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "DOCTOR_JENKINS_TOKEN" {
			return canary
		}
		return ""
	}}
	code := cli.Main(context.Background(), append([]string{"doctor"}, args...), env)
	return code, out.String(), errb.String()
}

func TestDoctorExitCodes(t *testing.T) {
	code, out, _ := runDoctor(t, "--config", doctorConfig(t, false))
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "✓ store: migrations")
	assert.Contains(t, out, "— ready")

	code, out, errOut := runDoctor(t, "--config", doctorConfig(t, true), "--timeout", "3s")
	assert.Equal(t, 1, code, out+errOut)
	assert.NotContains(t, out, canary)
	var auth string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "✗ jenkins: auth") {
			auth = l
		}
	}
	assert.NotEmpty(t, auth, "an unreachable Jenkins is one clear line:\n%s", out)

	code, out, _ = runDoctor(t, "--config", doctorConfig(t, true), "--timeout", "3s", "--format", "json")
	assert.Equal(t, 1, code)
	assert.NotContains(t, out, canary)
	var doc struct {
		Summary map[string]int `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	assert.Positive(t, doc.Summary["failed"])

	for _, bad := range [][]string{{"--config", "x.yaml", "--format", "xml"}, {"--config", "x.yaml", "extra"}, {"--config", doctorConfig(t, false), "--app", "nope"}} {
		code, _, errOut := runDoctor(t, bad...)
		assert.Equal(t, 2, code, bad)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, errOut)
	}
}
