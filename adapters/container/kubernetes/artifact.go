package kubernetes

import (
	"context"
	"fmt"
	"strings"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
	"github.com/dingops/dingops/core"
)

// imageOf is the image a Deploy writes for a: the reference itself, pinned
// to a.Digest when the reference carries no digest of its own, so a
// rollback restores exactly the recorded content even if a tag moved.
func imageOf(a core.Artifact) (imageref.Ref, error) {
	if a.Kind != "" && a.Kind != core.TargetContainer {
		return imageref.Ref{}, fmt.Errorf("artifact %s is a %s artifact, not a container image", a.Label(), a.Kind)
	}
	ref, err := imageref.Parse(a.Ref)
	if err != nil {
		return imageref.Ref{}, fmt.Errorf("image reference %q cannot be deployed: %w", a.Ref, err)
	}
	if a.Digest == "" || a.Digest == ref.Digest {
		return ref, nil
	}
	if err := imageref.ValidateDigest(a.Digest); err != nil {
		return imageref.Ref{}, fmt.Errorf("artifact %s: %w", a.Ref, err)
	}
	if ref.Digest != "" {
		return imageref.Ref{}, fmt.Errorf("artifact %s records digest %s, but its reference pins %s",
			a.Ref, a.Digest, ref.Digest)
	}
	return ref.WithDigest(a.Digest), nil
}

// artifactFor describes an image found in a Deployment spec; Live and
// Resolve build the same shape, so the store and the target agree.
func artifactFor(image string) core.Artifact {
	ref, err := imageref.Parse(image)
	if err != nil {
		return core.Artifact{Kind: core.TargetContainer, Ref: image, Display: image}
	}
	return core.Artifact{Kind: core.TargetContainer, Ref: image, Digest: ref.Digest, Display: ref.Short()}
}

// Resolve completes an image reference for `dingops record`: digest (from
// the reference, or from the registry when RegistryConfig.ResolveDigests
// is set) and the short display form. Ref stays as written, because that is
// what the Deployment spec, and so Live, will show.
func (d *Deployer) Resolve(ctx context.Context, ref string) (core.Artifact, error) {
	r, err := imageref.Parse(ref)
	if err != nil {
		return core.Artifact{}, fmt.Errorf("resolving %q: %w", ref, err)
	}
	a := artifactFor(ref)
	if r.Digest != "" || d.reg == nil || !d.reg.cfg.ResolveDigests {
		return a, nil
	}
	digest, err := d.reg.digest(ctx, r)
	if err != nil {
		return core.Artifact{}, err
	}
	a.Digest = digest
	return a, nil
}

// workloadState is what one configured container runs now.
type workloadState struct {
	Workload
	image   string
	rollout string // kubectl's status line
	done    bool
	failed  bool
}

// Live reports the image in the Deployment specs. When every workload runs
// the same image it is that artifact (its Display notes a rollout still
// running or failed); when they differ, the artifact lists them all, so it
// is the Same as no single image and people see the split.
func (d *Deployer) Live(ctx context.Context) (core.Artifact, error) {
	states, err := d.states(ctx)
	if err != nil {
		return core.Artifact{}, err
	}
	first := states[0]
	same := true
	for _, s := range states[1:] {
		same = same && s.image == first.image
	}
	if same {
		a := artifactFor(first.image)
		a.Display += rolloutNote(states)
		return a, nil
	}
	var refs, shows []string
	for _, s := range states {
		refs = append(refs, s.Deployment+"/"+s.Container+"="+s.image)
		shows = append(shows, s.Deployment+"/"+s.Container+" "+artifactFor(s.image).Display)
	}
	return core.Artifact{Kind: core.TargetContainer, Ref: strings.Join(refs, ","),
		Display: "images differ: " + strings.Join(shows, ", ") + rolloutNote(states)}, nil
}

func rolloutNote(states []workloadState) string {
	for _, s := range states {
		if s.failed {
			return " (rollout failed)"
		}
	}
	for _, s := range states {
		if !s.done {
			return " (rolling out)"
		}
	}
	return ""
}

// states reads every configured workload once per Deployment.
func (d *Deployer) states(ctx context.Context) ([]workloadState, error) {
	var out []workloadState
	for _, g := range d.groups() {
		dep, err := d.get(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("reading what is live: %w", err)
		}
		line, done, ferr := rolloutStatus(dep, 0)
		if ferr != nil {
			line = ferr.Error()
		}
		for _, c := range g.containers {
			out = append(out, workloadState{Workload: Workload{g.deployment, c}, image: container(dep, c).Image,
				rollout: line, done: done, failed: ferr != nil})
		}
	}
	return out, nil
}

// Status is the rollout line of each configured Deployment, for /status.
func (d *Deployer) Status(ctx context.Context) ([]string, error) {
	states, err := d.states(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, s := range states {
		if i == 0 || states[i-1].Deployment != s.Deployment {
			out = append(out, s.rollout)
		}
	}
	return out, nil
}
