package kubernetes

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// DefaultArgoCDNamespace is where Argo CD keeps its Applications unless
// configured otherwise.
const DefaultArgoCDNamespace = "argocd"

// ApplicationsGVR is Argo CD's Application resource
// (pkg/apis/application/v1alpha1 in argoproj/argo-cd).
var ApplicationsGVR = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "applications"}

// GitOps configures how the deployer treats Deployments that Argo CD or
// Flux reconcile.
type GitOps struct {
	// AllowOverride patches such a Deployment anyway, for teams that pause
	// sync first; the card says so. Off by default: the tool would put its
	// own image back within seconds.
	AllowOverride bool
	// InstanceLabel is argocd-cm's application.instanceLabelKey. Empty
	// means Argo CD's default, app.kubernetes.io/instance, which counts
	// only on Deployments Helm does not also claim; set it (even to the
	// default) to trust it fully.
	InstanceLabel string
	// ArgoCDNamespace holds the Applications (default "argocd").
	ArgoCDNamespace string
	// Applications, when set, reads the owning Application so the
	// refusal can say whether self-heal is on; it needs get on
	// applications.argoproj.io. Nil: the refusal does not say.
	Applications dynamic.Interface
}

// syncPolicy says how the Argo CD Application app syncs: "self-heal on",
// "self-heal off", "auto-sync off", or "" when it cannot be read. app may
// be "<namespace>_<name>" (util/argo/argo.go ParseInstanceName).
func (d *Deployer) syncPolicy(ctx context.Context, app string) string {
	if d.cfg.GitOps.Applications == nil {
		return ""
	}
	ns := d.cfg.GitOps.ArgoCDNamespace
	if ns == "" {
		ns = DefaultArgoCDNamespace
	}
	if before, after, ok := strings.Cut(app, "_"); ok {
		ns, app = before, after
	}
	u, err := d.cfg.GitOps.Applications.Resource(ApplicationsGVR).Namespace(ns).Get(ctx, app, metav1.GetOptions{})
	if err != nil {
		d.log.Warn("reading the Argo CD application's sync policy", "namespace", ns, "application", app, "err", err)
		return ""
	}
	return policyOf(u)
}

// policyOf reads spec.syncPolicy.automated: absent or enabled: false means
// no automated sync (SyncPolicyAutomated in v1alpha1/types.go).
func policyOf(u *unstructured.Unstructured) string {
	auto, ok, _ := unstructured.NestedMap(u.Object, "spec", "syncPolicy", "automated")
	if !ok || auto == nil {
		return "auto-sync off"
	}
	if on, found, _ := unstructured.NestedBool(auto, "enabled"); found && !on {
		return "auto-sync off"
	}
	if heal, _, _ := unstructured.NestedBool(auto, "selfHeal"); heal {
		return "self-heal on"
	}
	return "self-heal off"
}
