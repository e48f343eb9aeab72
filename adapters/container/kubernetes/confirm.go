package kubernetes

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

// StepPods names the card step "old pods gone": every ready pod of the
// Deployments runs the new image.
const StepPods = "pods"

// replicaSetsAPI is the slice of client-go the confirmation reads
// (list replicasets in the namespace; configs/kubernetes/target-rbac.yaml).
type replicaSetsAPI interface {
	List(ctx context.Context, opts metav1.ListOptions) (*appsv1.ReplicaSetList, error)
}

var _ core.UserVisible = (*Deployer)(nil)

// ConfirmVisible follows a finished deploy to its users when
// Config.Confirm is set (core.UserVisible): every ready pod of each
// Deployment runs the new image and no other ReplicaSet of it has a ready
// pod, then, when a probe URL is configured, the URL answers with the new
// version. Without Confirm it returns at once and reports nothing.
func (d *Deployer) ConfirmVisible(ctx context.Context, req core.DeployRequest, switched time.Time,
	report func(core.Visibility)) core.Visibility {
	if d.cfg.Confirm == nil {
		return core.Visibility{}
	}
	ref, err := imageOf(req.Artifact)
	if err != nil {
		return core.Visibility{}
	}
	image := ref.String()
	check := func(ctx context.Context) (bool, error) { return d.servesOnly(ctx, image) }
	return visible.Follow(ctx, *d.cfg.Confirm, switched, StepPods, check, VersionNames(ref.Tag, ref.Digest, image), report)
}

// VersionNames are the strings a probe answer may name an image by: its
// tag, its digest, the whole reference.
func VersionNames(tag, digest, image string) []string {
	var out []string
	for _, s := range []string{tag, digest, image} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// servesOnly reports whether every configured Deployment's ready pods all
// run image: the ReplicaSet of the new template has all desired replicas
// ready and every other ReplicaSet of the Deployment has none.
func (d *Deployer) servesOnly(ctx context.Context, image string) (bool, error) {
	rsets, err := d.rs.List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, fmt.Errorf("listing replica sets in namespace %q: %w", d.cfg.Namespace, err)
	}
	for _, g := range d.groups() {
		dep, err := d.get(ctx, g)
		if err != nil {
			return false, err
		}
		if !onlyNew(dep, g.containers, image, rsets.Items) {
			return false, nil
		}
	}
	return true, nil
}

// onlyNew judges one Deployment from its ReplicaSets (owned by it, as the
// controller marks them: metav1.IsControlledBy).
func onlyNew(dep *appsv1.Deployment, containers []string, image string, rsets []appsv1.ReplicaSet) bool {
	want := int32(1)
	if dep.Spec.Replicas != nil {
		want = *dep.Spec.Replicas
	}
	var ready int32
	for i := range rsets {
		rs := &rsets[i]
		if !metav1.IsControlledBy(rs, dep) || rs.Status.ReadyReplicas == 0 {
			continue
		}
		if !runs(&rs.Spec.Template.Spec.Containers, containers, image) {
			return false // an old ReplicaSet still has ready pods
		}
		ready += rs.Status.ReadyReplicas
	}
	return ready >= want
}

func runs(cs *[]corev1.Container, names []string, image string) bool {
	for _, n := range names {
		found := false
		for _, c := range *cs {
			if c.Name == n {
				found = c.Image == image
			}
		}
		if !found {
			return false
		}
	}
	return true
}
