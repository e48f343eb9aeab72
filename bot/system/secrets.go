package system

import (
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/store"
)

// SecretValues lists every secret value a configuration holds, for the
// redactor and the log handler (core/redact): the API token, the DingTalk
// client secret, the Jenkins token, the OSS, CDN and registry secrets of
// each app, the password in the store DSN, and the git tokens of the
// variables git.credentials name.
func SecretValues(cfg *configs.Config, getenv func(string) string) []string {
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			if x != "" {
				out = append(out, x)
			}
		}
	}
	add(cfg.Server.APIToken.Value(), store.DSNPassword(cfg.Store.DSN))
	if cfg.DingTalk != nil {
		add(cfg.DingTalk.ClientSecret.Value())
	}
	if cfg.Jenkins != nil {
		add(cfg.Jenkins.Token.Value())
	}
	if cfg.Git != nil && getenv != nil {
		for _, c := range cfg.Git.Credentials {
			if c.TokenEnv != "" {
				add(getenv(c.TokenEnv))
			}
		}
	}
	for _, a := range cfg.Apps {
		for _, sec := range a.Target.Secrets() {
			add(sec.Value())
		}
	}
	return dedupe(out)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
