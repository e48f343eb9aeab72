package oss_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ossdeploy "github.com/dingops/dingops/adapters/oss"
)

func TestConfigValidation(t *testing.T) {
	base := ossdeploy.Config{App: "web", Endpoint: "https://oss-cn-hangzhou.aliyuncs.com", Region: "cn-hangzhou",
		Bucket: "web-static", AccessKeyID: "ak", AccessKeySecret: "sk", ManifestKey: fixedKey, ManifestPattern: hashPattern}
	_, err := ossdeploy.Open(base)
	require.NoError(t, err)
	cases := map[string]struct {
		mutate func(*ossdeploy.Config)
		want   string
	}{
		"v4 needs a region":     {func(c *ossdeploy.Config) { c.Region = "" }, "requires a region"},
		"unknown auth version":  {func(c *ossdeploy.Config) { c.AuthVersion = "v2" }, "neither v1 nor v4"},
		"pattern without star":  {func(c *ossdeploy.Config) { c.ManifestPattern = "web/manifest.json" }, "must contain *"},
		"fixed key matches":     {func(c *ossdeploy.Config) { c.ManifestPattern = "web/manifest*.json" }, "must differ"},
		"bad pattern":           {func(c *ossdeploy.Config) { c.ManifestPattern = "web/[*.json" }, "pattern"},
		"no app":                {func(c *ossdeploy.Config) { c.App = "" }, "app name"},
		"no secret":             {func(c *ossdeploy.Config) { c.AccessKeySecret = "" }, "secret"},
		"cdn url not absolute":  {func(c *ossdeploy.Config) { c.CDN = &ossdeploy.CDNConfig{URL: "web/manifest.json"} }, "CDN URL"},
		"cdn protocol unknown":  {func(c *ossdeploy.Config) { c.CDN = &ossdeploy.CDNConfig{URL: "https://x.cn/m.json", Protocol: "ftp"} }, "protocol"},
		"no manifest key":       {func(c *ossdeploy.Config) { c.ManifestKey = "" }, "manifest key"},
		"no endpoint or bucket": {func(c *ossdeploy.Config) { c.Bucket = "" }, "bucket"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := base
			c.mutate(&cfg)
			_, err := ossdeploy.Open(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	v1 := base
	v1.AuthVersion, v1.Region = "V1", ""
	_, err = ossdeploy.Open(v1)
	assert.NoError(t, err, "v1 signs without a region")
	_, err = ossdeploy.New(base, nil, nil)
	assert.Error(t, err, "New needs a bucket client")
}

func TestSecretNeverPrints(t *testing.T) {
	s := ossdeploy.Secret("hunter2-very-secret")
	cfg := ossdeploy.Config{App: "web", AccessKeySecret: s}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%s %v %q %x %d %+v %#v", s, s, s, s, s, cfg, cfg)} {
		assert.NotContains(t, out, "hunter2")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "secret", s, "cfg", cfg.AccessKeySecret)
	assert.NotContains(t, buf.String(), "hunter2")
	data, err := json.Marshal(struct{ S ossdeploy.Secret }{s})
	require.NoError(t, err)
	assert.NotContains(t, string(data), "hunter2")
	assert.Equal(t, "hunter2-very-secret", s.Reveal())
}
