package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dingops/dingops/core"
)

// RolloutError is a deploy that did not make its image live: what failed
// and whether the previous image was put back.
type RolloutError struct {
	App        string
	Artifact   string // the artifact's label
	Deployment string // the Deployment that failed
	Cause      error
	// Reverted: the previous image was patched back; RevertedTo is it.
	Reverted   bool
	RevertedTo string
	// RevertErr: the revert failed, or its rollout did not finish.
	RevertErr error
	// NotReverted says why no revert was attempted.
	NotReverted string
}

// Error says what failed, with its cause, and what became of the revert.
func (e *RolloutError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deploying %s to %s failed: %v", e.Artifact, e.App, e.Cause)
	switch {
	case e.Reverted && e.RevertErr == nil:
		fmt.Fprintf(&b, "; reverted to %s", e.RevertedTo)
	case e.Reverted:
		fmt.Fprintf(&b, "; reverted to %s, but that rollout did not finish: %v", e.RevertedTo, e.RevertErr)
	case e.RevertErr != nil:
		fmt.Fprintf(&b, "; reverting failed: %v", e.RevertErr)
	default:
		fmt.Fprintf(&b, "; not reverted: %s", e.NotReverted)
	}
	return b.String()
}

// Unwrap exposes the cause (errTimeout, an API error).
func (e *RolloutError) Unwrap() error { return e.Cause }

// fail turns a failed rollout into a *RolloutError, reverting first when
// configured to.
func (d *Deployer) fail(ctx context.Context, log io.Writer, req core.DeployRequest, targets []target, image string,
	cause error) error {
	e := &RolloutError{App: req.App, Artifact: req.Artifact.Label(), Cause: cause}
	var wf *waitFailure
	if errors.As(cause, &wf) {
		e.Deployment, e.Cause = wf.deployment, wf.err
	}
	if d.cfg.NoRevert {
		e.NotReverted = "reverting is turned off for this target"
	} else {
		_, _ = fmt.Fprintf(log, "rollout failed: %v; reverting\n", e.Cause)
		d.revert(ctx, log, req, targets, image, e)
	}
	d.log.Error("deploy failed", "app", req.App, "release", req.ReleaseID, "image", image, "err", e)
	return e
}

// revert patches the previous image back onto every container that now
// runs the failed image, and waits for that rollout. The previous image is
// req.Previous when the engine knows it (right even for a resumed deploy,
// where the image read before patching is already the new one), else what
// the container ran before this deploy.
func (d *Deployer) revert(ctx context.Context, log io.Writer, req core.DeployRequest, targets []target, image string,
	e *RolloutError) {
	cause := fmt.Sprintf("dingops %s %s v%d by %s (revert: rollout of %s failed)",
		req.ReleaseID, req.App, req.Version, req.Requester, req.Artifact.Label())
	var rollouts []rollout
	running := false // some container runs the failed image
	for _, t := range targets {
		dep, err := d.get(ctx, t.group)
		if err != nil {
			e.RevertErr = err
			return
		}
		images, changed := map[string]string{}, false
		for _, c := range t.containers {
			images[c] = container(dep, c).Image
			running = running || images[c] == image
			if back := revertImage(req, t, c); images[c] == image && back != "" && back != image {
				images[c], changed, e.RevertedTo = back, true, back
			}
		}
		if !changed {
			continue
		}
		gen, err := d.patch(ctx, t, images, cause)
		if err != nil {
			e.RevertErr = err
			return
		}
		rollouts = append(rollouts, rollout{t.deployment, gen})
	}
	switch {
	case len(rollouts) == 0 && running:
		e.NotReverted = "no previous image is known to go back to"
		return
	case len(rollouts) == 0:
		e.NotReverted = "nothing was changed"
		return
	}
	e.Reverted = true
	e.RevertErr = d.wait(ctx, log, rollouts)
}

func revertImage(req core.DeployRequest, t target, c string) string {
	if !req.Previous.IsZero() {
		if ref, err := imageOf(req.Previous); err == nil {
			return ref.String()
		}
	}
	return t.previous[c]
}
