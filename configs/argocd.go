package configs

import (
	"regexp"
	"time"
)

// ArgoCD deploys a container image through an Argo CD Application
// (target kind argocd): dingops sets the image in the Application's spec
// and asks Argo CD to sync, so Argo CD's own reconciliation never fights it.
type ArgoCD struct {
	Server       string         `yaml:"server"`    // https://argocd.example.com
	TokenEnv     string         `yaml:"token_env"` // a project role's token (applications, get/update/sync)
	Token        Secret         `yaml:"-"`
	Application  string         `yaml:"application"`
	AppNamespace string         `yaml:"app_namespace"` // apps in any namespace; empty: Argo CD's own
	Project      string         `yaml:"project"`
	Image        ArgoCDImage    `yaml:"image"`
	Timeout      Duration       `yaml:"timeout"`       // one sync and wait; default 10m
	PollInterval Duration       `yaml:"poll_interval"` // between application reads; default 2s
	Registry     *RegistryCheck `yaml:"registry"`      // optional: Check asks the registry whether the image exists
	Confirm      *ConfirmProbe  `yaml:"confirm"`       // optional: follow a deploy to its users
}

// ArgoCDImage says where in the Application the image is set: a kustomize
// image override (the default) or a Helm parameter, in spec.source or
// spec.sources[source_position-1].
type ArgoCDImage struct {
	Repository     string `yaml:"repository"`      // registry.example.com/shop/api
	SourcePosition int    `yaml:"source_position"` // 1-based, multi-source apps; 0: spec.source
	KustomizeName  string `yaml:"kustomize_name"`  // the kustomization's image name; default repository
	HelmParameter  string `yaml:"helm_parameter"`  // e.g. image.tag; set: a Helm parameter, not kustomize
	HelmValue      string `yaml:"helm_value"`      // tag (default), digest or reference
}

// k8sName is an Application or project name (a DNS-1123 subdomain).
var k8sName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)

// validate implements TargetSection: it checks the section and applies
// its defaults.
func (a *ArgoCD) validate(v *validator, p string) {
	v.httpURL(p+".server", a.Server)
	a.Token = v.secret(p+".token_env", a.TokenEnv, true)
	for _, f := range []struct{ path, val string }{{".application", a.Application}, {".project", a.Project}} {
		if !k8sName.MatchString(f.val) {
			v.bad(p+f.path, "must be an Argo CD name (lower-case letters, digits, - and .), got %q", f.val)
		}
	}
	if a.AppNamespace != "" && !k8sName.MatchString(a.AppNamespace) {
		v.bad(p+".app_namespace", "must be a namespace name, got %q", a.AppNamespace)
	}
	v.argocdImage(p+".image", &a.Image)
	if a.Confirm != nil {
		a.Confirm.validate(v, p+".confirm")
	}
	setDur(&a.Timeout, 10*time.Minute)
	setDur(&a.PollInterval, 2*time.Second)
	if a.PollInterval < Duration(100*time.Millisecond) || a.PollInterval >= a.Timeout {
		v.bad(p+".poll_interval", "must be at least 100ms and shorter than timeout (%s), got %s",
			a.Timeout.Std(), a.PollInterval.Std())
	}
	if r := a.Registry; r != nil {
		v.httpURL(p+".registry.url", r.URL)
		r.Password = v.secret(p+".registry.password_env", r.PasswordEnv, false)
	}
}

// Summary implements TargetSection.
func (a *ArgoCD) Summary() string {
	return "argocd: application " + a.Project + "/" + a.Application + " at " + a.Server
}

// Secrets implements TargetSection: the Argo CD token and the registry's.
func (a *ArgoCD) Secrets() []Secret {
	out := []Secret{a.Token}
	if a.Registry != nil {
		out = append(out, a.Registry.Password)
	}
	return out
}

// ArtifactKind says an argocd target deploys container images.
func (a *ArgoCD) ArtifactKind() string { return "container" }

func (v *validator) argocdImage(p string, im *ArgoCDImage) {
	if im.Repository == "" {
		v.bad(p+".repository", "is required: the image repository whose reference dingops sets, e.g. registry.example.com/shop/api")
	}
	if im.SourcePosition < 0 {
		v.bad(p+".source_position", "counts sources from 1 (0: spec.source), got %d", im.SourcePosition)
	}
	if im.HelmParameter == "" {
		if im.HelmValue != "" {
			v.bad(p+".helm_value", "needs helm_parameter")
		}
		return
	}
	if im.KustomizeName != "" {
		v.bad(p, "set kustomize_name or helm_parameter, not both")
	}
	im.HelmValue = def(im.HelmValue, "tag")
	v.oneOf(p+".helm_value", im.HelmValue, "tag", "digest", "reference")
}

// labelKey is a Kubernetes label key: an optional DNS prefix and a name.
var labelKey = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)

// gitops checks the kubernetes target's GitOps options.
func (v *validator) gitops(p string, k *Kubernetes) {
	if k.ArgoCDInstanceLabel != "" && !labelKey.MatchString(k.ArgoCDInstanceLabel) {
		v.bad(p+".argocd_instance_label", "must be a label key such as argocd.argoproj.io/instance, got %q", k.ArgoCDInstanceLabel)
	}
	k.ArgoCDNamespace = def(k.ArgoCDNamespace, "argocd")
	if !k8sName.MatchString(k.ArgoCDNamespace) {
		v.bad(p+".argocd_namespace", "must be a namespace name, got %q", k.ArgoCDNamespace)
	}
	if k.AllowGitOpsOverride {
		v.warn(p+".allow_gitops_override", "dingops patches Deployments Argo CD or Flux manage: pause their sync first, "+
			"or they put their image back; each request shows this on its card and in the audit log")
	}
}
