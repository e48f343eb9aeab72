package system_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/coretest"
	"github.com/dingops/dingops/store/storetest"
)

// exampleEnv holds a value for every secret configs/example.yaml names.
var exampleEnv = map[string]string{
	"DINGOPS_API_TOKEN":         "api-token-Rr55",
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

func TestSecretValuesFindsEverySecretOfTheConfiguration(t *testing.T) {
	got := system.SecretValues(exampleConfig(t), func(k string) string { return exampleEnv[k] })
	assert.ElementsMatch(t, []string{"api-token-Rr55", "dt-client-secret-7Hq2", "jenkins-token-11aa22bb", "glpat-git-token-9x8y",
		"oss-secret-Zk4mW0", "registry-pass-Qq77", "pg-pass-5b4a3c"}, got)
}

func TestTheConfigurationLoadIsAudited(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	clock := coretest.NewClock(t0)
	s := storetest.Open(t, storetest.SQLiteDSN(t), clock)
	cfg := exampleConfig(t)
	require.NoError(t, system.AuditConfigLoad(context.Background(), s, clock, system.ConfigLoad{Path: "/etc/dingops/dingops.yaml",
		Config: cfg, Version: "1.2.3", Replica: "host-7"}))
	evs, err := s.Audit(context.Background(), core.AuditFilter{Kind: core.AuditConfig})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	e := evs[0]
	assert.Equal(t, core.SystemActor, e.Actor)
	assert.Equal(t, t0, e.At)
	assert.Regexp(t, `^loaded /etc/dingops/dingops.yaml sha256=[0-9a-f]{12} apps=4 chats=2 version=1.2.3 replica=host-7$`, e.Detail)
	for _, v := range exampleEnv {
		assert.NotContains(t, e.Detail, v)
	}

	a, err := system.Fingerprint(cfg)
	require.NoError(t, err)
	cfg.Apps["web"].MainBranch = "trunk"
	b, err := system.Fingerprint(cfg)
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "a changed configuration has another fingerprint")
	again := exampleConfig(t)
	again.Store.DSN = "postgres://dingops:rotated-password@db.internal:5432/dingops"
	c, err := system.Fingerprint(again)
	require.NoError(t, err)
	assert.Equal(t, a, c, "rotating a password is not a configuration change")
}
