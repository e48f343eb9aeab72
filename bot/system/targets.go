package system

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/dingops/dingops/adapters/argocd"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/script"
	"github.com/dingops/dingops/adapters/dingtalk"
	"github.com/dingops/dingops/adapters/miniapp"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// deployers builds every app's target adapter. One app's target that
// cannot be built (no kubeconfig, a bad endpoint) does not stop the others:
// its deployer answers every call with the reason, so its requests are
// refused with it, and the error is returned for logging.
func deployers(cfg *configs.Config, dt *dingtalk.Client, tune Tuning, log *slog.Logger) (map[string]core.Deployer, map[string]error) {
	out, broken := map[string]core.Deployer{}, map[string]error{}
	for name, a := range cfg.Apps {
		d, err := deployer(dt, tune, name, a.Target, log.With("app", name))
		if err != nil {
			broken[name] = err
			d = unavailable{fmt.Errorf("the %s target of %s is unavailable: %w", a.Target.Kind, name, err)}
		}
		out[name] = d
	}
	return out, broken
}

// unavailable is the deployer of an app whose target could not be built.
type unavailable struct{ err error }

func (u unavailable) Check(context.Context, core.Artifact) error       { return u.err }
func (u unavailable) Deploy(context.Context, core.DeployRequest) error { return u.err }
func (u unavailable) Live(context.Context) (core.Artifact, error)      { return core.Artifact{}, u.err }

// deployer is the registry of target kinds on the assembly's side: each
// section of `target:` (configs.Target's fields) becomes its adapter here.
// Adding a kind is one case.
func deployer(dt *dingtalk.Client, tune Tuning, app string, t configs.Target, log *slog.Logger) (core.Deployer, error) {
	switch s := t.Section().(type) {
	case *configs.Script:
		return script.New(script.Config{App: app, Command: s.Command, LiveCommand: s.LiveCommand,
			CheckCommand: s.CheckCommand, Timeout: s.Timeout.Std(), Dir: s.Dir, PassEnv: s.Env, Logger: log}, nil)
	case *configs.Kubernetes:
		return kubeDeployer(s, log)
	case *configs.OSS:
		return ossDeployer(app, s, tune, log)
	case *configs.MiniApp:
		if dt == nil {
			return nil, fmt.Errorf("a miniapp target needs the dingtalk section")
		}
		return miniapp.New(miniapp.Config{App: app, AgentID: s.AgentID, OpUnionID: s.OpUnionID,
			Confirm: confirmer(s.Confirm), Logger: log}, dt)
	case *configs.ArgoCD:
		return argocdDeployer(s, log)
	}
	return nil, fmt.Errorf("target kind %s is not available in this build", t.Kind)
}

func ossDeployer(app string, o *configs.OSS, tune Tuning, log *slog.Logger) (core.Deployer, error) {
	c := oss.Config{App: app, Endpoint: o.Endpoint, Region: o.Region, Bucket: o.Bucket, AccessKeyID: o.AccessKeyID,
		AccessKeySecret: oss.Secret(o.AccessKeySecret.Value()), AuthVersion: o.AuthVersion, ManifestKey: o.FixedKey,
		ManifestPattern: o.ManifestPattern, CacheControl: o.CacheControl, ContentType: o.ContentType,
		Timeout: o.Timeout.Std(), Backoff: tune.OSSBackoff, Logger: log}
	if o.CDN != nil {
		c.CDN = &oss.CDNConfig{URL: o.CDN.URL, Endpoint: o.CDN.Endpoint, AccessKeyID: o.CDN.AccessKeyID,
			AccessKeySecret: oss.Secret(o.CDN.AccessKeySecret.Value())}
	}
	if o.Confirm != nil {
		c.Confirm = &oss.ConfirmConfig{URLs: o.Confirm.URLs, Timeout: o.Confirm.Timeout.Std()}
	}
	return oss.Open(c)
}

func kubeDeployer(k *configs.Kubernetes, log *slog.Logger) (core.Deployer, error) {
	c := kubernetes.Config{Namespace: k.Namespace, Timeout: k.RolloutTimeout.Std(), PollInterval: k.PollInterval.Std(),
		NoRevert: !*k.RevertOnFailure, Confirm: confirmer(k.Confirm), Logger: log,
		GitOps: kubernetes.GitOps{AllowOverride: k.AllowGitOpsOverride, InstanceLabel: k.ArgoCDInstanceLabel,
			ArgoCDNamespace: k.ArgoCDNamespace}}
	for _, d := range k.Deployments {
		c.Workloads = append(c.Workloads, kubernetes.Workload{Deployment: d.Deployment, Container: d.Container})
	}
	c.Registry = registry(k.Registry)
	cs, err := kubernetes.NewClientset(k.Kubeconfig)
	if err != nil {
		return nil, err
	}
	return kubernetes.New(c, cs)
}

func argocdDeployer(a *configs.ArgoCD, log *slog.Logger) (core.Deployer, error) {
	return argocd.New(argocd.Config{Server: a.Server, Token: a.Token.Value(), Application: a.Application,
		AppNamespace: a.AppNamespace, Project: a.Project,
		Image: argocd.Image{Repository: a.Image.Repository, SourcePosition: a.Image.SourcePosition,
			KustomizeName: a.Image.KustomizeName, HelmParameter: a.Image.HelmParameter, HelmValue: a.Image.HelmValue},
		Timeout: a.Timeout.Std(), PollInterval: a.PollInterval.Std(), Registry: registry(a.Registry),
		Confirm: confirmer(a.Confirm), Logger: log})
}

// confirmer is a container or mini-program target's optional user-visible
// confirmation: bounded by its timeout, backing off, with its probe URL.
func confirmer(c *configs.ConfirmProbe) *visible.Config {
	if c == nil {
		return nil
	}
	out := &visible.Config{Timeout: c.Timeout.Std()}
	if c.URL != "" {
		out.Probe = &visible.Probe{URL: c.URL, Header: c.Header}
	}
	return out
}

// registry is a target's optional image-registry check.
func registry(r *configs.RegistryCheck) *kubernetes.RegistryConfig {
	if r == nil {
		return nil
	}
	return &kubernetes.RegistryConfig{Endpoint: r.URL, Username: r.User, Password: r.Password.Value()}
}
