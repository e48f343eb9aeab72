package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/core"
)

// Names the deployer writes.
const (
	// ChangeCauseAnnotation is what `kubectl rollout history` shows as
	// CHANGE-CAUSE; the controller copies it to the new ReplicaSet.
	ChangeCauseAnnotation = "kubernetes.io/change-cause"
	// FieldManager identifies dingops's writes in managedFields.
	FieldManager = "dingops"
)

// target is one Deployment's part of a deploy.
type target struct {
	group
	previous map[string]string // container → image before this deploy
	patch    bool              // some container does not run the image yet
	observed *appsv1.Deployment
}

// Deploy sets the image on every configured container, one patch per
// Deployment, and waits for the rollouts. A rollout that fails or runs past
// Config.Timeout is reverted (unless Config.NoRevert) and reported as a
// *RolloutError. When the image is already set and rolled out it does
// nothing; when it is set but still rolling out (a resumed deploy) it only
// waits. Cancelling ctx stops the wait and reverts nothing: a resumed
// deploy picks the rollout up again.
func (d *Deployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	log := req.Log
	if log == nil {
		log = io.Discard
	}
	ref, err := imageOf(req.Artifact)
	if err != nil {
		return fmt.Errorf("deploying %s to %s: %w", req.Artifact.Label(), req.App, err)
	}
	image := ref.String()
	targets, err := d.plan(ctx, image)
	if err != nil {
		return fmt.Errorf("deploying %s to %s: %w", req.Artifact.Label(), req.App, err)
	}
	if d.noop(targets) {
		_, _ = fmt.Fprintf(log, "%s is already live and rolled out on %s\n", ref.Short(), d.where())
		return nil
	}
	rollouts, err := d.patchAll(ctx, log, targets, image, changeCause(req))
	if err == nil {
		err = d.wait(ctx, log, rollouts)
	}
	if err == nil {
		d.log.Info("rollout finished", "app", req.App, "release", req.ReleaseID, "image", image)
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("deploying %s to %s: waiting for the rollout: %w", req.Artifact.Label(), req.App, ctx.Err())
	}
	return d.fail(ctx, log, req, targets, image, err)
}

// plan reads each Deployment and what its containers run now.
func (d *Deployer) plan(ctx context.Context, image string) ([]target, error) {
	var out []target
	for _, g := range d.groups() {
		dep, err := d.get(ctx, g)
		if err != nil {
			return nil, err
		}
		if _, err := d.owned(ctx, dep); err != nil {
			return nil, err // an owner appeared after the check: change nothing
		}
		t := target{group: g, previous: map[string]string{}, observed: dep}
		for _, c := range g.containers {
			t.previous[c] = container(dep, c).Image
			t.patch = t.patch || t.previous[c] != image
		}
		out = append(out, t)
	}
	return out, nil
}

// noop: every container runs the image and every rollout is complete.
func (d *Deployer) noop(targets []target) bool {
	for _, t := range targets {
		if _, done, err := rolloutStatus(t.observed, 0); t.patch || !done || err != nil {
			return false
		}
	}
	return true
}

// patchAll patches the Deployments that need it and returns what to wait
// for; a Deployment already at the image is waited for at its generation.
func (d *Deployer) patchAll(ctx context.Context, log io.Writer, targets []target, image, cause string) ([]rollout, error) {
	var out []rollout
	for _, t := range targets {
		if !t.patch {
			out = append(out, rollout{t.deployment, t.observed.Generation})
			continue
		}
		images := map[string]string{}
		for _, c := range t.containers {
			images[c] = image
		}
		gen, err := d.patch(ctx, t, images, cause)
		if err != nil {
			return nil, &waitFailure{t.deployment, err}
		}
		_, _ = fmt.Fprintf(log, "deployment %q: image set to %s (generation %d)\n", t.deployment, image, gen)
		out = append(out, rollout{t.deployment, gen})
	}
	return out, nil
}

// patch sends one strategic-merge patch that sets the images and the
// change-cause together, so the cause lands on the same revision (a JSON
// merge patch would replace the whole containers list). It returns the
// generation the patch created.
func (d *Deployer) patch(ctx context.Context, t target, images map[string]string, cause string) (int64, error) {
	var containers []map[string]string
	for _, c := range t.containers { // config order, for a stable body
		containers = append(containers, map[string]string{"name": c, "image": images[c]})
	}
	body, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"annotations": map[string]string{ChangeCauseAnnotation: cause}},
		"spec":     map[string]any{"template": map[string]any{"spec": map[string]any{"containers": containers}}},
	})
	if err != nil {
		return 0, fmt.Errorf("encoding patch for deployment %q: %w", t.deployment, err)
	}
	dep, err := d.api.Patch(ctx, t.deployment, types.StrategicMergePatchType, body,
		metav1.PatchOptions{FieldManager: FieldManager})
	if err != nil {
		if gen, ok := d.patchLanded(ctx, t, images, cause, err); ok {
			return gen, nil
		}
		return 0, fmt.Errorf("patching deployment %q: %w", t.deployment, err)
	}
	d.log.Info("patched deployment", "namespace", d.cfg.Namespace, "deployment", t.deployment,
		"generation", dep.Generation, "change_cause", cause)
	return dep.Generation, nil
}

// patchLanded reads the Deployment again after a patch whose answer was
// lost — a timeout or a dropped connection, not the API server's refusal —
// since the API server may have applied it. ok (with the generation it
// made) when the Deployment carries this patch: every container runs the
// image and the change-cause is this deploy's. Reverting a patch that
// landed, or failing the deploy, would leave dingops's record and the
// cluster disagreeing.
func (d *Deployer) patchLanded(ctx context.Context, t target, images map[string]string, cause string, perr error) (int64, bool) {
	var status apierrors.APIStatus
	if errors.As(perr, &status) || ctx.Err() != nil {
		return 0, false
	}
	dep, err := d.get(ctx, t.group)
	if err != nil || dep.Annotations[ChangeCauseAnnotation] != cause {
		return 0, false
	}
	for _, c := range t.containers {
		if container(dep, c).Image != images[c] {
			return 0, false
		}
	}
	d.log.Warn("the patch's answer was lost, but the deployment carries it", "namespace", d.cfg.Namespace,
		"deployment", t.deployment, "generation", dep.Generation, "err", perr)
	return dep.Generation, true
}

// changeCause says who changed what, for `kubectl rollout history`:
// "dingops #57 web v57 by 0123 (rollback to web:v42)".
func changeCause(req core.DeployRequest) string {
	what := "release " + req.Artifact.Label()
	if req.Kind == core.KindRollback {
		what = "rollback to " + req.Artifact.Label()
	}
	return fmt.Sprintf("dingops %s %s v%d by %s (%s)", req.ReleaseID, req.App, req.Version, req.Requester, what)
}

func (d *Deployer) where() string {
	if len(d.cfg.Workloads) == 1 {
		w := d.cfg.Workloads[0]
		return fmt.Sprintf("%s/%s (%s)", d.cfg.Namespace, w.Deployment, w.Container)
	}
	return fmt.Sprintf("%d workloads in %s", len(d.cfg.Workloads), d.cfg.Namespace)
}
