package configs

import (
	"fmt"
	"strings"
	"time"
)

// The container kind: an image, deployed by an operator's script or to
// Kubernetes Deployments.

// Script deploys a container image with an operator's own command.
type Script struct {
	Command      []string `yaml:"command"`       // argv; DINGOPS_* variables in its environment
	LiveCommand  []string `yaml:"live_command"`  // prints the live image; optional
	CheckCommand []string `yaml:"check_command"` // exits 0 when $DINGOPS_ARTIFACT can be deployed; optional
	Timeout      Duration `yaml:"timeout"`       // default 10m
	Dir          string   `yaml:"dir"`
	// Env names the variables of dingops's environment the commands get,
	// besides PATH, HOME and the like and the DINGOPS_* release variables;
	// nothing else passes (dingops's environment holds its secrets).
	Env []string `yaml:"env"`
}

func (s *Script) validate(v *validator, p string) {
	if len(s.Command) == 0 || strings.TrimSpace(s.Command[0]) == "" {
		v.bad(p+".command", "is required: the program and arguments that deploy $DINGOPS_ARTIFACT")
	}
	for i, k := range s.Env {
		if !envName.MatchString(k) {
			v.bad(fmt.Sprintf("%s.env[%d]", p, i), "must be an environment variable name, got %q", k)
		}
	}
	setDur(&s.Timeout, 10*time.Minute)
}

// Summary implements TargetSection.
func (s *Script) Summary() string { return "container (script): " + strings.Join(s.Command, " ") }

// Secrets implements TargetSection: a script reads its own.
func (s *Script) Secrets() []Secret { return nil }

// Kubernetes deploys a container image to Deployments.
type Kubernetes struct {
	Kubeconfig      string         `yaml:"kubeconfig"` // empty: in-cluster
	Namespace       string         `yaml:"namespace"`
	Deployments     []KubeTarget   `yaml:"deployments"`
	RolloutTimeout  Duration       `yaml:"rollout_timeout"`   // default 10m
	PollInterval    Duration       `yaml:"poll_interval"`     // between rollout status reads; default 2s
	RevertOnFailure *bool          `yaml:"revert_on_failure"` // default true
	Registry        *RegistryCheck `yaml:"registry"`
	// AllowGitOpsOverride patches Deployments Argo CD or Flux manage
	// anyway (for teams that pause sync first); refused by default.
	AllowGitOpsOverride bool          `yaml:"allow_gitops_override"`
	ArgoCDInstanceLabel string        `yaml:"argocd_instance_label"` // argocd-cm application.instanceLabelKey; empty: app.kubernetes.io/instance, not trusted on Helm charts
	ArgoCDNamespace     string        `yaml:"argocd_namespace"`      // where Applications live, to read self-heal; default argocd
	Confirm             *ConfirmProbe `yaml:"confirm"`               // optional: follow a deploy to its users
}

// KubeTarget is one Deployment and container set to the release's image.
type KubeTarget struct {
	Deployment string `yaml:"deployment"`
	Container  string `yaml:"container"`
}

// RegistryCheck lets Check ask the registry whether an image exists.
type RegistryCheck struct {
	URL         string `yaml:"url"`
	User        string `yaml:"user"`
	PasswordEnv string `yaml:"password_env"`
	Password    Secret `yaml:"-"`
}

func (k *Kubernetes) validate(v *validator, p string) {
	if k.Confirm != nil {
		k.Confirm.validate(v, p+".confirm")
	}
	if k.Namespace == "" {
		v.bad(p+".namespace", "is required")
	}
	if len(k.Deployments) == 0 {
		v.bad(p+".deployments", "is required: at least one deployment and container")
	}
	for i, d := range k.Deployments {
		if d.Deployment == "" || d.Container == "" {
			v.bad(fmt.Sprintf("%s.deployments[%d]", p, i), "needs both deployment and container")
		}
	}
	setDur(&k.RolloutTimeout, 10*time.Minute)
	setDur(&k.PollInterval, 2*time.Second)
	if k.PollInterval < Duration(100*time.Millisecond) || k.PollInterval >= k.RolloutTimeout {
		v.bad(p+".poll_interval", "must be at least 100ms and shorter than rollout_timeout (%s), got %s",
			k.RolloutTimeout.Std(), k.PollInterval.Std())
	}
	if k.RevertOnFailure == nil {
		t := true
		k.RevertOnFailure = &t
	}
	if r := k.Registry; r != nil {
		v.httpURL(p+".registry.url", r.URL)
		r.Password = v.secret(p+".registry.password_env", r.PasswordEnv, false)
	}
	v.gitops(p, k)
}

// Summary implements TargetSection.
func (k *Kubernetes) Summary() string {
	var ds []string
	for _, d := range k.Deployments {
		ds = append(ds, d.Deployment+"/"+d.Container)
	}
	return fmt.Sprintf("container (kubernetes): %s %s", k.Namespace, strings.Join(ds, ","))
}

// Secrets implements TargetSection: the registry password.
func (k *Kubernetes) Secrets() []Secret {
	if k.Registry == nil {
		return nil
	}
	return []Secret{k.Registry.Password}
}
