package argocd

import (
	"context"
	"time"

	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
	"github.com/dingops/dingops/adapters/visible"
	"github.com/dingops/dingops/core"
)

var _ core.UserVisible = (*Deployer)(nil)

// ConfirmVisible follows a finished deploy to its users when
// Config.Confirm is set (core.UserVisible): in the application's resource
// tree every ready (Healthy) pod of the configured repository runs the new
// image, so no old ReplicaSet has a ready pod; then, when a probe URL is
// configured, the URL answers with the new version. Without Confirm it
// returns at once and reports nothing.
func (d *Deployer) ConfirmVisible(ctx context.Context, req core.DeployRequest, switched time.Time,
	report func(core.Visibility)) core.Visibility {
	if d.cfg.Confirm == nil {
		return core.Visibility{}
	}
	ref, err := d.imageOf(req.Artifact)
	if err != nil {
		return core.Visibility{}
	}
	check := func(ctx context.Context) (bool, error) { return d.podsServe(ctx, ref) }
	return visible.Follow(ctx, *d.cfg.Confirm, switched, kubernetes.StepPods, check,
		kubernetes.VersionNames(ref.Tag, ref.Digest, ref.String()), report)
}

// podsServe reads the resource tree once: at least one pod of a
// ReplicaSet runs the configured repository, every Healthy one runs want.
func (d *Deployer) podsServe(ctx context.Context, want imageref.Ref) (bool, error) {
	var t tree
	if err := d.api.do(ctx, "GET", d.appPath("/resource-tree")+d.query(), nil, &t); err != nil {
		return false, err
	}
	ready := 0
	for _, n := range t.Nodes {
		if n.Kind != "Pod" || n.Health == nil || n.Health.Status != "Healthy" || !underReplicaSet(n.ParentRefs) {
			continue
		}
		for _, img := range d.ofRepo(n.Images) {
			if !sameImage(img, want) {
				return false, nil // an old ReplicaSet still has a ready pod
			}
			ready++
		}
	}
	return ready > 0, nil
}

func underReplicaSet(refs []parentRef) bool {
	for _, r := range refs {
		if r.Kind == "ReplicaSet" {
			return true
		}
	}
	return false
}

// sameImage compares a pod's image with the deployed one by digest when
// both have one, else by tag (a Helm chart given only image.tag renders
// repo:tag although the artifact records the digest too).
func sameImage(image string, want imageref.Ref) bool {
	got, err := imageref.Parse(image)
	if err != nil {
		return false
	}
	switch {
	case got.Digest != "" && want.Digest != "":
		return got.Digest == want.Digest
	case got.Tag != "" && want.Tag != "":
		return got.Tag == want.Tag
	}
	return false
}
