package configs_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/dingops/dingops/configs"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./configs -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func env(kv ...string) configs.Getenv {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var secrets = env("DINGOPS_DINGTALK_SECRET", "dt-secret-value", "DINGOPS_JENKINS_TOKEN", "jk-token-value",
	"DINGOPS_OSS_SECRET", "oss-secret-value", "DINGOPS_API_TOKEN", "api-token-value", "DINGOPS_GIT_TOKEN", "git-token",
	"DINGOPS_GIT_SSH_KEY", "/keys/id", "DINGOPS_REGISTRY_PASSWORD", "reg-pass")

func TestExampleResolves(t *testing.T) {
	cfg, probs, err := configs.Load("example.yaml", secrets)
	require.NoError(t, err)
	assert.Empty(t, probs.Warnings)
	out, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	for _, s := range []string{"dt-secret-value", "jk-token-value", "oss-secret-value", "api-token-value"} {
		assert.NotContains(t, string(out), s, "a secret leaked into the resolved configuration")
	}
	golden(t, "example.resolved.yaml", string(out))
	assert.Equal(t, "dt-secret-value", cfg.DingTalk.ClientSecret.Value())
	assert.Equal(t, "[redacted $DINGOPS_DINGTALK_SECRET]", cfg.DingTalk.ClientSecret.String())
}

func TestInvalidListsEveryProblem(t *testing.T) {
	_, probs, err := configs.Load("testdata/invalid.yaml", env())
	require.Error(t, err)
	require.GreaterOrEqual(t, len(probs.List), 5)
	golden(t, "invalid.problems.txt", err.Error()+"\n")
}

func TestMissingSecretIsAWarning(t *testing.T) {
	_, probs, err := configs.Load("example.yaml", env())
	require.NoError(t, err)
	var text []string
	for _, w := range probs.Warnings {
		text = append(text, w.Path)
	}
	assert.Contains(t, text, "dingtalk.client_secret_env")
}

func TestBadInputOneLineEach(t *testing.T) {
	cases := map[string]string{
		"not yaml":      "apps: [",
		"empty":         "",
		"wrong type":    "worker: {concurrency: many}",
		"unknown top":   "langauge: en",
		"list not map":  "apps: [web]",
		"bad duration":  "worker: {lease: soon}",
		"bad zone":      "time_zone: Mars/Olympus",
		"negative dur":  "worker: {poll: -1s}",
		"tz in cron":    "windows: {w: {periods: [{start: 'CRON_TZ=Asia/Shanghai', duration: 1h}]}}",
		"duplicate key": "language: en\nlanguage: zh",
		"relative url":  "server: {public_url: ops.example.com}",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			_, probs, err := configs.Parse([]byte(text), "c.yaml", env())
			require.Error(t, err)
			require.NotEmpty(t, probs.List)
			for _, p := range probs.List {
				assert.NotContains(t, p.Message, "\n", "one line per problem")
			}
		})
	}
}

func TestUnknownKeySuggests(t *testing.T) {
	_, probs, err := configs.Parse([]byte("langauge: en\napps: {}\n"), "c.yaml", env())
	require.Error(t, err)
	assert.True(t, strings.Contains(probs.List[0].Message, `did you mean "language"`), probs.List[0].Message)
	assert.Equal(t, 1, probs.List[0].Line)
}

// FuzzParse feeds the loader arbitrary YAML: it must never panic, and it
// either returns a configuration or at least one problem.
func FuzzParse(f *testing.F) {
	// Whole files of several kilobytes leave the mutator crawling; the
	// example goes in one top-level section at a time.
	for _, name := range []string{"example.yaml", "demo.yaml", "testdata/invalid.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, section := range sections(string(b)) {
			f.Add(section)
		}
	}
	for _, s := range []string{"", "apps: [", "worker: {lease: -1s}", "a: &x [*x]", "apps: {web: {target: {kind: oss}}}",
		"windows: {w: {periods: [{start: 'CRON_TZ=', duration: 1h}]}}", "time_zone: Local"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("parsing took %s", d)
			}
		}()
		cfg, probs, err := configs.Parse([]byte(text), "fuzz.yaml", env())
		if err == nil && cfg == nil {
			t.Fatal("no configuration and no error")
		}
		if err != nil && (probs == nil || len(probs.List) == 0) {
			t.Fatalf("an error without problems: %v", err)
		}
	})
}

// sections splits a YAML file at its top-level keys, dropping comments.
func sections(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, " #"); i >= 0 && !strings.Contains(line[:i], "'") && !strings.Contains(line[:i], `"`) {
			line = strings.TrimRight(line[:i], " ")
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '-' && cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
		cur.WriteString(line + "\n")
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// TestKubernetesPollInterval: the rollout poll defaults to 2s and must be
// at least 100ms and shorter than the rollout timeout.
func TestKubernetesPollInterval(t *testing.T) {
	app := func(extra string) string {
		return `teams: {a: [alice], b: [bob]}
chats: {ops: {conversation_id: cid}}
apps:
  api:
    target:
      kind: container
      kubernetes: {namespace: prod, deployments: [{deployment: api, container: api}]` + extra + `}
    chats: [ops]
    release_teams: [a]
    approver_teams: [b]
`
	}
	cfg, probs, err := configs.Parse([]byte(app("")), "c.yaml", env())
	require.NoError(t, err, "%v", probs)
	assert.Equal(t, 2*time.Second, cfg.Apps["api"].Target.Kubernetes.PollInterval.Std())
	for _, bad := range []string{", poll_interval: 10ms", ", rollout_timeout: 1m, poll_interval: 1m"} {
		_, probs, err := configs.Parse([]byte(app(bad)), "c.yaml", env())
		require.Error(t, err, bad)
		require.Len(t, probs.List, 1, bad)
		assert.Equal(t, "apps.api.target.kubernetes.poll_interval", probs.List[0].Path)
		assert.Equal(t, 7, probs.List[0].Line)
	}
}
