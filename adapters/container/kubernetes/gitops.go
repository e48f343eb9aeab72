package kubernetes

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
)

// Labels and annotations GitOps tools put on what they manage. Argo CD:
// docs/user-guide/resource_tracking.md and util/argo/resource_tracking.go in
// argoproj/argo-cd; Flux: the kustomize-controller and helm-controller
// ownership labels (fluxcd.io docs, "garbage collection"); Helm:
// app.kubernetes.io/managed-by and meta.helm.sh/release-name.
const (
	// ArgoCDTrackingAnnotation is Argo CD's default tracking method since
	// 3.0: "<app>:<group>/<kind>:<namespace>/<name>", the app written
	// "<namespace>_<name>" when it lives outside Argo CD's own namespace.
	ArgoCDTrackingAnnotation = "argocd.argoproj.io/tracking-id"
	// DefaultArgoCDInstanceLabel is argocd-cm's application.instanceLabelKey
	// by default; many Helm charts set it too, which Argo CD's docs warn of.
	DefaultArgoCDInstanceLabel = "app.kubernetes.io/instance"
	// ArgoCDInstanceLabel is the custom key Argo CD's docs suggest instead.
	ArgoCDInstanceLabel   = "argocd.argoproj.io/instance"
	FluxKustomizeLabel    = "kustomize.toolkit.fluxcd.io/name"
	FluxKustomizeNSLabel  = "kustomize.toolkit.fluxcd.io/namespace"
	FluxHelmLabel         = "helm.toolkit.fluxcd.io/name"
	FluxHelmNSLabel       = "helm.toolkit.fluxcd.io/namespace"
	ManagedByLabel        = "app.kubernetes.io/managed-by"
	HelmReleaseAnnotation = "meta.helm.sh/release-name"
)

// Owner is the tool that manages a Deployment besides dingops.
type Owner struct {
	Deployment string
	Tool       string // "Argo CD", "Flux" or "Helm"
	What       string // "application shop-api", "Kustomization flux-system/apps", "release shop"
	// Policy is what Argo CD's sync policy says ("self-heal on"), when it
	// could be read.
	Policy string
	// Reconciles: the tool puts its own image back by itself (Argo CD and
	// Flux); Helm only does so at the next upgrade.
	Reconciles bool
	// Ambiguous: only Helm's labels were found, but their instance label is
	// also Argo CD's default tracking label.
	Ambiguous bool
}

// String is "web-api is managed by Argo CD application shop-api (self-heal on)".
func (o Owner) String() string {
	s := fmt.Sprintf("%s is managed by %s %s", o.Deployment, o.Tool, o.What)
	if o.Policy != "" {
		s += " (" + o.Policy + ")"
	}
	return s
}

// refusal is the one line that stops a deploy onto a reconciled Deployment.
func (o Owner) refusal() string {
	way := "use target kind argocd"
	if o.Tool != "Argo CD" {
		way = "change the image in git (or suspend the " + strings.Fields(o.What)[0] + ")"
	}
	return o.String() + ": " + way + ", or set kubernetes.allow_gitops_override: true"
}

// note is what the approval card shows when the deploy goes ahead anyway.
func (o Owner) note() string {
	switch {
	case o.Reconciles:
		return o.String() + ": deploying anyway because kubernetes.allow_gitops_override is true; pause its sync first, or it puts its own image back"
	case o.Ambiguous:
		return o.String() + ": the next helm upgrade sets its own image again (if Argo CD deploys it with label tracking on " +
			DefaultArgoCDInstanceLabel + ", set kubernetes.argocd_instance_label to make dingops refuse)"
	default:
		return o.String() + ": the next helm upgrade sets its own image again"
	}
}

// ownerOf reads the ownership marks of dep, strongest first: Argo CD's
// tracking annotation and its own instance label, Flux's labels (before
// the generic instance label, which Flux-installed charts carry too), the
// configured Argo CD instance label, then Helm's.
func (d *Deployer) ownerOf(dep *appsv1.Deployment) (Owner, bool) {
	o := Owner{Deployment: dep.Name, Reconciles: true}
	lbl := dep.Labels
	if app, ok := trackedBy(dep); ok {
		o.Tool, o.What = "Argo CD", "application "+app
		return o, true
	}
	if app := lbl[ArgoCDInstanceLabel]; app != "" {
		o.Tool, o.What = "Argo CD", "application "+app
		return o, true
	}
	if name := lbl[FluxKustomizeLabel]; name != "" {
		o.Tool, o.What = "Flux", "Kustomization "+qualified(lbl[FluxKustomizeNSLabel], name)
		return o, true
	}
	if name := lbl[FluxHelmLabel]; name != "" {
		o.Tool, o.What = "Flux", "HelmRelease "+qualified(lbl[FluxHelmNSLabel], name)
		return o, true
	}
	helm := lbl[ManagedByLabel] == "Helm"
	key := d.instanceLabel()
	if app := lbl[key]; app != "" && (d.cfg.GitOps.InstanceLabel != "" || !helm) {
		o.Tool, o.What = "Argo CD", "application "+app
		return o, true
	}
	if !helm {
		return Owner{}, false
	}
	release := dep.Annotations[HelmReleaseAnnotation]
	if release == "" {
		release = lbl[DefaultArgoCDInstanceLabel]
	}
	o.Tool, o.What, o.Reconciles = "Helm", "release "+release, false
	o.Ambiguous = key == DefaultArgoCDInstanceLabel && lbl[key] != ""
	return o, true
}

// trackedBy parses the tracking annotation, honouring only one that names
// dep itself: Argo CD ignores a copied, non-self-referencing annotation.
func trackedBy(dep *appsv1.Deployment) (string, bool) {
	v := dep.Annotations[ArgoCDTrackingAnnotation]
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 || parts[0] == "" {
		return "", false
	}
	if parts[1] != "apps/Deployment" || parts[2] != dep.Namespace+"/"+dep.Name {
		return "", false
	}
	return parts[0], true
}

func qualified(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

func (d *Deployer) instanceLabel() string {
	if d.cfg.GitOps.InstanceLabel != "" {
		return d.cfg.GitOps.InstanceLabel
	}
	return DefaultArgoCDInstanceLabel
}

// owned judges one Deployment: a refusal when a reconciling tool owns it
// and no override is configured, otherwise the note the card should show.
func (d *Deployer) owned(ctx context.Context, dep *appsv1.Deployment) (note string, err error) {
	o, ok := d.ownerOf(dep)
	if !ok {
		return "", nil
	}
	if o.Tool == "Argo CD" {
		o.Policy = d.syncPolicy(ctx, strings.TrimPrefix(o.What, "application "))
	}
	if o.Reconciles && !d.cfg.GitOps.AllowOverride {
		return "", &OwnedError{Owner: o, msg: o.refusal()}
	}
	return o.note(), nil
}

// OwnedError refuses a deploy onto a Deployment a GitOps tool reconciles.
type OwnedError struct {
	Owner Owner
	msg   string
}

func (e *OwnedError) Error() string { return e.msg }

// Owners lists which configured Deployments a GitOps tool or Helm manages,
// for `config check` and doctor when the cluster is reachable.
func (d *Deployer) Owners(ctx context.Context) ([]Owner, error) {
	var out []Owner
	for _, g := range d.groups() {
		dep, err := d.get(ctx, g)
		if err != nil {
			return nil, err
		}
		if o, ok := d.ownerOf(dep); ok {
			if o.Tool == "Argo CD" {
				o.Policy = d.syncPolicy(ctx, strings.TrimPrefix(o.What, "application "))
			}
			out = append(out, o)
		}
	}
	return out, nil
}
