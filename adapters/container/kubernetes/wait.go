package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// reasonTimedOut is the Progressing reason the controller sets when
// spec.progressDeadlineSeconds passes without progress.
const reasonTimedOut = "ProgressDeadlineExceeded"

// errTimeout is the cause of a wait that ran past Config.Timeout.
var errTimeout = errors.New("passed the rollout timeout")

// rolloutStatus decides like `kubectl rollout status`
// (kubectl pkg/polymorphichelpers/rollout_status.go), and also requires the
// controller to have observed minGeneration, the generation our patch
// created: until then the status describes the previous spec. It returns
// kubectl's line, whether the rollout is done, and an error for a rollout
// that will not finish by itself.
func rolloutStatus(d *appsv1.Deployment, minGeneration int64) (string, bool, error) {
	st := d.Status
	if d.Generation > st.ObservedGeneration || st.ObservedGeneration < minGeneration {
		return fmt.Sprintf("Waiting for deployment %q spec update to be observed...", d.Name), false, nil
	}
	for _, c := range st.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == reasonTimedOut {
			return "", false, fmt.Errorf("deployment %q exceeded its progress deadline (%s)", d.Name, c.Message)
		}
	}
	if d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas {
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...",
			d.Name, st.UpdatedReplicas, *d.Spec.Replicas), false, nil
	}
	if st.Replicas > st.UpdatedReplicas {
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...",
			d.Name, st.Replicas-st.UpdatedReplicas), false, nil
	}
	if st.AvailableReplicas < st.UpdatedReplicas {
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...",
			d.Name, st.AvailableReplicas, st.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out", d.Name), true, nil
}

// rollout is one Deployment being waited for.
type rollout struct {
	deployment string
	generation int64 // from the patch response; 0 when nothing was patched
}

// waitFailure is a rollout that failed or ran out of time, and where.
type waitFailure struct {
	deployment string
	err        error
}

func (f *waitFailure) Error() string { return f.err.Error() }
func (f *waitFailure) Unwrap() error { return f.err }

// wait polls every rollout until all are done, one fails, Config.Timeout
// passes (a *waitFailure wrapping errTimeout) or ctx ends (ctx's error).
// It writes each Deployment's status line to log when the line changes.
func (d *Deployer) wait(ctx context.Context, log io.Writer, rollouts []rollout) error {
	tctx, cancel := context.WithTimeoutCause(ctx, d.cfg.Timeout, errTimeout)
	defer cancel()
	ticker := time.NewTicker(d.cfg.PollInterval)
	defer ticker.Stop()
	last := make([]seen, len(rollouts))
	for {
		done, err := d.poll(tctx, log, rollouts, last)
		if err != nil || done {
			return err
		}
		select {
		case <-tctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return d.timedOut(rollouts, last)
		case <-ticker.C:
		}
	}
}

// seen is the last status of one rollout.
type seen struct {
	line string
	done bool
}

// poll reads each rollout once. Transient API errors are logged and
// waited out (the timeout bounds them); a deleted Deployment fails.
func (d *Deployer) poll(ctx context.Context, log io.Writer, rollouts []rollout, last []seen) (bool, error) {
	all := true
	for i, r := range rollouts {
		dep, err := d.api.Get(ctx, r.deployment, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, &waitFailure{r.deployment, fmt.Errorf("deployment %q disappeared: %w", r.deployment, err)}
		}
		if err != nil {
			if ctx.Err() == nil {
				d.log.Warn("reading rollout status", "deployment", r.deployment, "err", err)
			}
			all = false
			continue
		}
		line, done, ferr := rolloutStatus(dep, r.generation)
		if ferr != nil {
			return false, &waitFailure{r.deployment, ferr}
		}
		if line != last[i].line {
			_, _ = fmt.Fprintln(log, line)
		}
		last[i] = seen{line, done}
		all = all && done
	}
	return all, nil
}

// timedOut names the first rollout that had not finished, with its last line.
func (d *Deployer) timedOut(rollouts []rollout, last []seen) error {
	i := 0
	for i < len(rollouts)-1 && last[i].done {
		i++
	}
	line := last[i].line
	if line == "" {
		line = "status unknown"
	}
	return &waitFailure{rollouts[i].deployment, fmt.Errorf("deployment %q %w of %s (last status: %s)",
		rollouts[i].deployment, errTimeout, d.cfg.Timeout, line)}
}
