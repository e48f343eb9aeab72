// Package kubernetes deploys container images to Kubernetes Deployments:
// one strategic-merge patch per Deployment sets the image and the
// change-cause together, then the rollout is followed the way
// `kubectl rollout status` decides, and a rollout that fails or overruns is
// reverted to the previous image. See docs/targets.md §2 for the facts
// behind each step.
package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// Kind names this target in configuration.
const Kind = "kubernetes"

// Defaults for Config fields left zero.
const (
	DefaultTimeout      = 10 * time.Minute
	DefaultPollInterval = 2 * time.Second
)

// Workload is one container of one Deployment that runs the app's image.
type Workload struct {
	Deployment string
	Container  string
}

// Config configures a Deployer.
type Config struct {
	// Namespace holds the Deployments.
	Namespace string
	// Workloads all get the same image; at least one.
	Workloads []Workload
	// Timeout bounds one rollout wait (default 10m); a rollout still
	// unfinished then counts as failed.
	Timeout time.Duration
	// NoRevert leaves a failed rollout in place instead of patching the
	// previous image back (the default is to revert).
	NoRevert bool
	// PollInterval is the time between status reads while waiting (default 2s).
	PollInterval time.Duration
	// Registry, when set, makes Check ask the image registry whether the
	// image exists, and lets Resolve look up digests.
	Registry *RegistryConfig
	// GitOps decides what happens to Deployments Argo CD or Flux manage.
	GitOps GitOps
	// Confirm, when set, makes the deployer follow a finished deploy to its
	// users (confirm.go): bounded, backing off, optionally with a probe URL.
	Confirm *visible.Config
	Logger  *slog.Logger
}

// deploymentsAPI is the slice of client-go the deployer uses: the verbs
// configs/kubernetes/target-rbac.yaml grants.
type deploymentsAPI interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (*appsv1.Deployment, error)
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions,
		subresources ...string) (*appsv1.Deployment, error)
}

// Deployer makes an image live on the configured Deployments.
type Deployer struct {
	cfg Config
	api deploymentsAPI
	rs  replicaSetsAPI
	reg *registryClient // nil: no registry check
	log *slog.Logger
}

var (
	_ core.Deployer         = (*Deployer)(nil)
	_ core.ArtifactResolver = (*Deployer)(nil)
	_ core.CheckNoter       = (*Deployer)(nil)
)

// New validates cfg and builds a Deployer over cs.
func New(cfg Config, cs k8s.Interface) (*Deployer, error) {
	if cfg.Namespace == "" {
		return nil, errors.New("configuring kubernetes target: namespace is required")
	}
	if len(cfg.Workloads) == 0 {
		return nil, errors.New("configuring kubernetes target: at least one deployment/container is required")
	}
	for i, w := range cfg.Workloads {
		if w.Deployment == "" || w.Container == "" {
			return nil, fmt.Errorf("configuring kubernetes target: workload %d needs a deployment and a container", i)
		}
		if slices.Index(cfg.Workloads, w) != i {
			return nil, fmt.Errorf("configuring kubernetes target: %s/%s is listed twice", w.Deployment, w.Container)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	d := &Deployer{cfg: cfg, api: cs.AppsV1().Deployments(cfg.Namespace),
		rs: cs.AppsV1().ReplicaSets(cfg.Namespace), log: cfg.Logger}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry != nil {
		d.reg = newRegistryClient(*cfg.Registry)
	}
	return d, nil
}

// NewClientset connects to the cluster: from the kubeconfig file at path,
// or, when path is empty, from the pod's service account (in-cluster).
func NewClientset(kubeconfigPath string) (k8s.Interface, error) {
	var (
		cfg *rest.Config
		err error
	)
	if kubeconfigPath == "" {
		cfg, err = rest.InClusterConfig()
	} else {
		cfg, err = clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	}
	if err != nil {
		return nil, fmt.Errorf("loading kubernetes client config: %w", err)
	}
	cfg.UserAgent = "dingops"
	cs, err := k8s.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating kubernetes client: %w", err)
	}
	return cs, nil
}

// group is one Deployment and the configured containers in it, so each
// Deployment gets exactly one patch.
type group struct {
	deployment string
	containers []string
}

func (d *Deployer) groups() []group {
	var out []group
	for _, w := range d.cfg.Workloads {
		i := slices.IndexFunc(out, func(g group) bool { return g.deployment == w.Deployment })
		if i < 0 {
			out = append(out, group{deployment: w.Deployment})
			i = len(out) - 1
		}
		out[i].containers = append(out[i].containers, w.Container)
	}
	return out
}

// get reads a Deployment and checks it has the group's containers.
func (d *Deployer) get(ctx context.Context, g group) (*appsv1.Deployment, error) {
	dep, err := d.api.Get(ctx, g.deployment, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading deployment %q in namespace %q: %w", g.deployment, d.cfg.Namespace, err)
	}
	for _, c := range g.containers {
		if container(dep, c) == nil {
			return nil, fmt.Errorf("deployment %q has no container %q (it has %v)", g.deployment, c, containerNames(dep))
		}
	}
	return dep, nil
}

func container(dep *appsv1.Deployment, name string) *corev1.Container {
	for i := range dep.Spec.Template.Spec.Containers {
		if dep.Spec.Template.Spec.Containers[i].Name == name {
			return &dep.Spec.Template.Spec.Containers[i]
		}
	}
	return nil
}

func containerNames(dep *appsv1.Deployment) []string {
	var out []string
	for _, c := range dep.Spec.Template.Spec.Containers {
		out = append(out, c.Name)
	}
	return out
}

// Check refuses an artifact that is not a valid image reference, a target
// whose Deployments or containers are missing or paused, or reconciled by
// Argo CD or Flux (unless GitOps.AllowOverride), and, with a registry
// configured, an image the registry does not hold.
func (d *Deployer) Check(ctx context.Context, a core.Artifact) error {
	_, err := d.CheckNotes(ctx, a)
	return err
}

// CheckNotes is Check, also returning what the approval card must show: a
// GitOps-managed Deployment deployed under the override, a Helm-managed one.
func (d *Deployer) CheckNotes(ctx context.Context, a core.Artifact) ([]string, error) {
	ref, err := imageOf(a)
	if err != nil {
		return nil, err
	}
	var notes []string
	for _, g := range d.groups() {
		dep, err := d.get(ctx, g)
		if err != nil {
			return nil, err
		}
		if dep.Spec.Paused {
			return nil, fmt.Errorf("deployment %q is paused: resume it (kubectl rollout resume) before deploying %s",
				g.deployment, a.Label())
		}
		note, err := d.owned(ctx, dep)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	if d.reg == nil {
		return notes, nil
	}
	_, err = d.reg.digest(ctx, ref)
	return notes, err
}
