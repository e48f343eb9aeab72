package configs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/configs"
)

// TestCheckMakesRequiredSecretsErrors: Load lets commands that do not use
// DingTalk run without its secret (a warning), while Check reports it as
// an error at the client_secret_env line and still returns the config.
func TestCheckMakesRequiredSecretsErrors(t *testing.T) {
	path := "example.yaml"
	none := func(string) string { return "" }
	cfg, probs, err := configs.Load(path, none)
	require.NoError(t, err)
	require.NotNil(t, cfg)
	assert.Contains(t, messages(probs.Warnings), "dingtalk.client_secret_env: environment variable DINGOPS_DINGTALK_SECRET is not set")

	cfg, probs, err = configs.Check(path, none)
	require.NoError(t, err)
	require.NotNil(t, cfg, "the config comes back for the later stages")
	assert.Contains(t, messages(probs.List),
		"dingtalk.client_secret_env: environment variable DINGOPS_DINGTALK_SECRET is not set: DingTalk cannot work without it")
	assert.True(t, cfg.DingTalk.ClientSecret.Set(), "a stand-in lets the later stages build the client")
	assert.Contains(t, messages(probs.Warnings), "server.api_token_env: environment variable DINGOPS_API_TOKEN is not set",
		"an optional secret stays a warning")
}

func messages(ps []configs.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Path + ": " + p.Message
	}
	return out
}
