package system

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dingops/dingops/adapters/argocd"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/bot/doctor"
	"github.com/dingops/dingops/configs"
)

// targetChecks are each app's target checks (o.App: one app's).
func targetChecks(cfg *configs.Config, o DoctorOptions, log *slog.Logger) []doctor.Check {
	var out []doctor.Check
	for _, name := range sortedKeys(cfg.Apps) {
		if o.App != "" && name != o.App {
			continue
		}
		out = append(out, appChecks(name, cfg.Apps[name].Target, o, log)...)
	}
	return out
}

func appChecks(app string, t configs.Target, o DoctorOptions, log *slog.Logger) []doctor.Check {
	fail := func(err error) []doctor.Check {
		return []doctor.Check{doctor.Static(t.Kind, "app "+app+": target", "build the "+t.Kind+" target",
			doctor.FailedErr(err, "fix apps."+app+".target"))}
	}
	for _, s := range t.Secrets() {
		if s.Env != "" && !s.Set() {
			return []doctor.Check{doctor.MissingEnv(t.Kind, "app "+app+": secret", "apps."+app+".target", s.Env)}
		}
	}
	switch s := t.Section().(type) {
	case *configs.OSS:
		d, err := ossDeployer(app, s, Tuning{}, log)
		if err != nil {
			return fail(err)
		}
		return doctor.OSSChecks(app, d.(*oss.Deployer), s.AccessKeyID, o.Write)
	case *configs.Kubernetes:
		return kubeChecks(app, s, log, fail)
	case *configs.ArgoCD:
		d, err := argocdDeployer(s, log)
		if err != nil {
			return fail(err)
		}
		return doctor.ArgoCDChecks(app, d.(*argocd.Deployer).Probe, s.Application)
	}
	return nil // script and miniapp targets: nothing outside to ask (miniapp: the DingTalk checks)
}

func kubeChecks(app string, s *configs.Kubernetes, log *slog.Logger, fail func(error) []doctor.Check) []doctor.Check {
	d, err := kubeDeployer(s, log)
	if err != nil {
		return fail(err)
	}
	cs, err := kubernetes.NewClientset(s.Kubeconfig)
	if err != nil {
		return fail(err)
	}
	setup := doctor.KubeSetup{Namespace: s.Namespace, AllowOverride: s.AllowGitOpsOverride}
	for _, dep := range s.Deployments {
		setup.Deployments = append(setup.Deployments, dep.Deployment)
	}
	canI := func(ctx context.Context, a kubernetes.Access) (bool, string, error) {
		return kubernetes.CanI(ctx, cs, a)
	}
	return doctor.KubeChecks(app, d.(*kubernetes.Deployer), canI, setup)
}

// pipelineChecks are Jenkins and git.
func pipelineChecks(cfg *configs.Config, log *slog.Logger) []doctor.Check {
	var out []doctor.Check
	if j := cfg.Jenkins; j != nil {
		out = append(out, jenkinsChecks(cfg, j, log)...)
	}
	if g := cfg.Git; g != nil {
		gc, err := git.New(git.Config{CacheDir: g.MirrorDir, Repos: repoAuth(cfg), Timeout: g.Timeout.Std(), Logger: log})
		if err != nil {
			return append(out, doctor.Static("git", "checker", "build the git checker", doctor.FailedErr(err, "fix the git section")))
		}
		repos := map[string]string{}
		for _, a := range cfg.Apps {
			if a.Repo != "" {
				repos[a.Repo] = def(a.MainBranch, "main")
			}
		}
		out = append(out, doctor.GitChecks(gc.LsRemote, repos, func(s string) string { return s })...)
	}
	return out
}

func jenkinsChecks(cfg *configs.Config, j *configs.Jenkins, log *slog.Logger) []doctor.Check {
	s := doctor.JenkinsSetup{URL: strings.TrimRight(j.URL, "/"), User: j.User, TokenEnv: j.TokenEnv, TokenSet: j.Token.Set(),
		Jobs: map[string][]string{}}
	for name, a := range cfg.Apps {
		if a.JenkinsJob != "" {
			s.Jobs[a.JenkinsJob] = append(s.Jobs[a.JenkinsJob], name)
		}
	}
	jb, err := jenkins.New(jenkins.Config{URL: j.URL, User: j.User, Token: j.Token.Value(), PollInterval: j.Poll.Std(),
		BuildTimeout: j.Timeout.Std(), Logger: log})
	if err != nil {
		return []doctor.Check{doctor.Static("jenkins", "client", "build the Jenkins client", doctor.FailedErr(fmt.Errorf("jenkins: %w", err), "fix the jenkins section"))}
	}
	return doctor.JenkinsChecks(jb, s)
}
