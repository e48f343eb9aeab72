package system

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// dingtalkClient is the OpenAPI client shared by the bot and the
// mini-program targets; nil when DingTalk is not configured.
func dingtalkClient(cfg *configs.Config, m *metrics.Metrics, log *slog.Logger) (*dingtalk.Client, error) {
	d := cfg.DingTalk
	if d == nil {
		return nil, nil
	}
	dc := dingtalk.Config{ClientID: d.ClientID, ClientSecret: dingtalk.Secret(d.ClientSecret.Value()),
		RobotCode: d.RobotCode, Endpoint: d.Endpoint, Protocol: d.Protocol, ReadTimeout: d.Timeout.Std(),
		StreamHost: d.StreamHost, Logger: log.With("adapter", "dingtalk")}
	if m != nil {
		dc.Observer = m
	}
	c, err := dingtalk.New(dc)
	if err != nil {
		return nil, fmt.Errorf("dingtalk: %w", err)
	}
	return c, nil
}

// pipeline builds the Jenkins builder and the git checker releases use;
// either is nil when its section is absent.
func pipeline(cfg *configs.Config, tune Tuning, log *slog.Logger) (core.Builder, core.SourceControl, error) {
	var b core.Builder
	var src core.SourceControl
	if j := cfg.Jenkins; j != nil {
		jb, err := jenkins.New(jenkins.Config{URL: j.URL, User: j.User, Token: j.Token.Value(), PollInterval: j.Poll.Std(),
			BuildTimeout: j.Timeout.Std(), PollMax: tune.JenkinsPollMax, HTTPClient: tune.JenkinsHTTP,
			Logger: log.With("adapter", "jenkins")})
		if err != nil {
			return nil, nil, fmt.Errorf("jenkins: %w", err)
		}
		b = jb
	}
	if g := cfg.Git; g != nil {
		gc, err := git.New(git.Config{CacheDir: g.MirrorDir, Repos: repoAuth(cfg), Timeout: g.Timeout.Std(),
			Logger: log.With("adapter", "git")})
		if err != nil {
			return nil, nil, fmt.Errorf("git: %w", err)
		}
		src = gc
	}
	return b, src, nil
}

// repoAuth gives each app's repository the first git credential whose
// match prefixes its URL.
func repoAuth(cfg *configs.Config) map[string]git.RepoAuth {
	repos := map[string]git.RepoAuth{}
	for _, a := range cfg.Apps {
		for _, c := range cfg.Git.Credentials {
			if a.Repo != "" && strings.HasPrefix(a.Repo, c.Match) {
				repos[a.Repo] = git.RepoAuth{TokenEnv: c.TokenEnv, User: c.User, SSHKeyEnv: c.SSHKeyEnv}
				break
			}
		}
	}
	return repos
}
