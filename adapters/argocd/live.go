package argocd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
	"github.com/dingops/dingops/core"
)

// Live reports the image of the configured repository that Argo CD sees
// running: the images of the application's Deployments in its resource
// tree (GET .../resource-tree), else status.summary.images. Its Display
// notes an application that is not Synced and Healthy, so drift shows on
// the card.
func (d *Deployer) Live(ctx context.Context) (core.Artifact, error) {
	app, err := d.get(ctx)
	if err != nil {
		return core.Artifact{}, fmt.Errorf("reading what is live: %w", err)
	}
	var t tree
	if err := d.api.do(ctx, "GET", d.appPath("/resource-tree")+d.query(), nil, &t); err != nil {
		return core.Artifact{}, fmt.Errorf("reading what is live: %w", err)
	}
	var images []string
	for _, n := range t.Nodes {
		if n.Kind == "Deployment" && n.Group == "apps" {
			images = append(images, d.ofRepo(n.Images)...)
		}
	}
	if len(images) == 0 {
		images = d.ofRepo(app.Status.Summary.Images)
	}
	slices.Sort(images)
	images = slices.Compact(images)
	note := ""
	if h, s := app.Status.Health.Status, app.Status.Sync.Status; h != "Healthy" || s != "Synced" {
		note = fmt.Sprintf(" (argo cd: %s, %s)", s, h)
	}
	switch len(images) {
	case 0:
		return core.Artifact{}, fmt.Errorf("reading what is live: %s runs no image of %s", d.where(), d.cfg.Image.Repository)
	case 1:
		a := artifactFor(images[0])
		a.Display += note
		return a, nil
	}
	shows := make([]string, 0, len(images))
	for _, img := range images {
		shows = append(shows, artifactFor(img).Display)
	}
	return core.Artifact{Kind: core.TargetContainer, Ref: strings.Join(images, ","),
		Display: "images differ: " + strings.Join(shows, ", ") + note}, nil
}

// ofRepo keeps the images of the configured repository.
func (d *Deployer) ofRepo(images []string) []string {
	var out []string
	for _, img := range images {
		ref, err := imageref.Parse(img)
		if err == nil && ref.Registry() == d.repo.Registry() && ref.Repository() == d.repo.Repository() {
			out = append(out, img)
		}
	}
	return out
}

// artifactFor describes an image Argo CD reports, the way the Kubernetes
// target does, so the two agree on what an image is.
func artifactFor(image string) core.Artifact {
	ref, err := imageref.Parse(image)
	if err != nil {
		return core.Artifact{Kind: core.TargetContainer, Ref: image, Display: image}
	}
	return core.Artifact{Kind: core.TargetContainer, Ref: image, Digest: ref.Digest, Display: ref.Short()}
}
