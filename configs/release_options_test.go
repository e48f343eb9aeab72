package configs_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/dingops/dingops/configs"
)

// withWebSection puts yaml (indented for an app's keys) under
// example.yaml's web app, after its jenkins_job.
func withWebSection(t *testing.T, yaml string) []byte {
	t.Helper()
	b, err := os.ReadFile("example.yaml")
	require.NoError(t, err)
	base := string(b)
	anchor := "    jenkins_job: frontend/web"
	i := strings.Index(base, anchor)
	require.Positive(t, i)
	i += strings.Index(base[i:], "\n") + 1
	return []byte(base[:i] + yaml + base[i:])
}

func TestPlaygroundDeclaresAnOptionAndARequirementPattern(t *testing.T) {
	var doc struct {
		Apps map[string]struct {
			ReleaseOptions []configs.ReleaseOption      `yaml:"release_options"`
			Requirements   []configs.RequirementPattern `yaml:"requirements"`
		} `yaml:"apps"`
	}
	require.NoError(t, yaml.Unmarshal(configs.PlaygroundYAML(), &doc))
	web := doc.Apps["web"]
	assert.Equal(t, []configs.ReleaseOption{{Name: "cdn_refresh", Type: "bool", Default: "true",
		Description: "刷新 CDN 缓存 / refresh the CDN cache after the switch"}}, web.ReleaseOptions)
	assert.Equal(t, []configs.RequirementPattern{{Pattern: `REQ-\d+`, URL: "https://pm.example.com/requirements/{id}"}},
		web.Requirements)
}

func TestReleaseOptionDeclarationsAreChecked(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"bad name":        {"    release_options: [{name: 'env-x'}]\n", "must start with a letter"},
		"reserved":        {"    release_options: [{name: DINGOPS_X}]\n", "may not start with DINGOPS_"},
		"twice":           {"    release_options: [{name: env}, {name: ENV}]\n", "declared twice"},
		"bad type":        {"    release_options: [{name: env, type: number}]\n", "must be one of string, bool, choice"},
		"choice no list":  {"    release_options: [{name: env, type: choice}]\n", "is required for a choice"},
		"default outside": {"    release_options: [{name: env, type: choice, allowed: [a, b], default: c}]\n", `"c" is not one of allowed`},
		"bool default":    {"    release_options: [{name: cdn, type: bool, default: maybe}]\n", "true or false"},
		"allowed on bool": {"    release_options: [{name: cdn, type: bool, allowed: [x]}]\n", "only a choice"},
		"bad pattern":     {"    requirements: [{pattern: 'REQ-(', url: 'https://pm/{id}'}]\n", "not a regular expression"},
		"url without id":  {"    requirements: [{pattern: 'REQ-\\d+', url: 'https://pm/'}]\n", "must contain {id}"},
		"unknown key":     {"    release_options: [{name: env, defualt: x}]\n", "default"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, probs, err := configs.Parse(withWebSection(t, c.yaml), "c.yaml", secrets)
			require.Error(t, err)
			var msgs []string
			for _, p := range probs.List {
				assert.NotContains(t, p.Message, "\n")
				msgs = append(msgs, p.Path+": "+p.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), c.want)
		})
	}
}

func TestAGoodDeclarationPasses(t *testing.T) {
	yaml := "    release_options:\n      - {name: env, type: choice, allowed: [staging, prod], default: prod, description: 环境}\n" +
		"      - {name: ticket, required: true}\n"
	cfg, _, err := configs.Parse(withWebSection(t, yaml), "c.yaml", secrets)
	require.NoError(t, err)
	assert.Equal(t, "string", cfg.Apps["web"].ReleaseOptions[1].Type, "string is the default type")
}
