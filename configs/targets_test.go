package configs_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

// app is a configuration with one app whose target is the given YAML.
func app(target string) string {
	return fmt.Sprintf(`
teams: {dev: [alice], sre: [bob]}
chats: {ops: {conversation_id: cid-ops}}
dingtalk: {client_id: id, client_secret_env: DT}
apps:
  web:
    target: %s
    chats: [ops]
    release_teams: [dev]
    approver_teams: [sre]
`, target)
}

// TestTargetKinds: the kinds come from Target's tagged sections, and each
// mis-shaped target is one problem at its path, in words naming the
// sections the kind takes.
func TestTargetKinds(t *testing.T) {
	assert.Equal(t, []string{"container", "oss", "miniapp", "argocd"}, configs.TargetKinds())
	for _, c := range []struct{ name, target, path, msg string }{
		{"unknown kind", `{kind: lambda}`, "apps.web.target.kind", `must be one of container, oss, miniapp, argocd, got "lambda"`},
		{"no section", `{kind: container}`, "apps.web.target", "a container target needs exactly one of script: or kubernetes:"},
		{"two sections", `{kind: container, script: {command: [x]}, miniapp: {agent_id: "1", op_union_id: u}}`,
			"apps.web.target", "a container target needs exactly one of script: or kubernetes:"},
		{"other kind's section", `{kind: oss, script: {command: [x]}}`, "apps.web.target", "an oss target needs an oss: section and no other"},
		{"section checked", `{kind: miniapp, miniapp: {op_union_id: u}}`, "apps.web.target.miniapp.agent_id", "is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, probs, err := configs.Parse([]byte(app(c.target)), "t.yaml", env("DT", "dt-secret"))
			require.Error(t, err)
			require.Len(t, probs.List, 1, "%v", probs.List)
			assert.Equal(t, c.path, probs.List[0].Path)
			assert.Contains(t, probs.List[0].Message, c.msg)
		})
	}
}

// TestTargetSummaryAndSecrets: the section summarises itself for `config
// check` and lists its secrets for the log's redaction.
func TestTargetSummaryAndSecrets(t *testing.T) {
	oss := `{kind: oss, oss: {endpoint: "http://127.0.0.1:1", region: cn-hangzhou, bucket: web-static, access_key_id: AK,
    access_key_secret_env: OSS, fixed_key: web/manifest.json, manifest_pattern: "web/manifest.*.json",
    cdn: {url: "https://cdn.example.com/web/manifest.json", access_key_secret_env: CDN}}}`
	for _, c := range []struct{ name, target, summary string }{
		{"oss", oss, "oss: bucket web-static, fixed key web/manifest.json ← web/manifest.*.json"},
		{"script", `{kind: container, script: {command: [deploy.sh, --now]}}`, "container (script): deploy.sh --now"},
		{"miniapp", `{kind: miniapp, miniapp: {agent_id: "42", op_union_id: u}}`, "miniapp: agent 42"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, _, err := configs.Parse([]byte(app(c.target)), "t.yaml", env("DT", "dt-secret", "OSS", "oss-secret", "CDN", "cdn-secret"))
			require.NoError(t, err)
			tg := cfg.Apps["web"].Target
			assert.Equal(t, c.summary, tg.Summary())
			var vals []string
			for _, s := range tg.Secrets() {
				vals = append(vals, s.Value())
			}
			if c.name == "oss" {
				assert.Equal(t, []string{"oss-secret", "cdn-secret"}, vals)
			} else {
				assert.Empty(t, vals)
			}
		})
	}
}
