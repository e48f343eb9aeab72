package argocdemu

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/adapters/container/kubesim"
)

// controllerManager is the field manager the emulated controller applies as.
const controllerManager = "argocd-controller"

// Step runs the application controller once over every application:
// start a requested operation, run a running one, refresh status, and
// start an automated sync where the policy asks for one.
func (e *Emulator) Step() {
	e.mu.Lock()
	defer e.mu.Unlock()
	keys := make([]string, 0, len(e.apps))
	for k := range e.apps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := e.apps[k]
		if !e.hold {
			e.operate(a)
		}
		e.refresh(a)
		e.autoSync(a)
	}
}

// operate moves the operation on: requested → Running, Running → applied
// (Succeeded or Failed), Terminating → Failed. The controller clears
// app.operation when the operation completes (appcontroller setOperationState).
func (e *Emulator) operate(a *app) {
	now := time.Now().UTC().Truncate(time.Second)
	st := a.obj.Status.OperationState
	switch {
	case a.obj.Operation != nil && (st == nil || st.FinishedAt != nil):
		a.obj.Status.OperationState = &OperationState{Operation: *a.obj.Operation, Phase: "Running",
			Message: "one or more tasks are running", StartedAt: now}
		return
	case st == nil || st.FinishedAt != nil:
		return
	case st.Phase == "Terminating":
		e.finish(a, st, "Failed", "Operation terminated", now)
		return
	}
	if msg := e.failNext; msg != "" {
		e.failNext = ""
		e.finish(a, st, "Failed", "one or more objects failed to apply, reason: "+msg, now)
		return
	}
	s := st.Operation.Sync
	image, err := a.render(s.Source, s.Sources)
	if err == nil {
		err = e.apply(a, image)
	}
	if err != nil {
		e.finish(a, st, "Failed", "one or more objects failed to apply, reason: "+err.Error(), now)
		return
	}
	st.SyncResult = &SyncResult{Revision: s.Revision, Source: s.Source, Sources: s.Sources}
	e.finish(a, st, "Succeeded", "successfully synced (all tasks run)", now)
}

func (e *Emulator) finish(a *app, st *OperationState, phase, msg string, now time.Time) {
	st.Phase, st.Message, st.FinishedAt = phase, msg, &now
	a.obj.Operation = nil
	e.bump(a)
}

// apply sets the rendered image on the Deployment, as kubectl apply of
// the manifests would (a patch through the simulator's clientset).
func (e *Emulator) apply(a *app, image string) error {
	v, ok := e.opts.Sim.Deployment(a.seed.Dest, a.seed.Deployment)
	if !ok {
		return fmt.Errorf("deployments.apps %q not found", a.seed.Deployment)
	}
	if containerImage(v, a.seed.Container) == image {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
		"containers": []map[string]string{{"name": a.seed.Container, "image": image}}}}}})
	_, err := e.opts.Sim.Clientset().AppsV1().Deployments(a.seed.Dest).Patch(context.Background(), a.seed.Deployment,
		types.StrategicMergePatchType, body, metav1.PatchOptions{FieldManager: controllerManager})
	return err
}

// refresh compares the rendered spec with the cluster and reads health.
func (e *Emulator) refresh(a *app) {
	now := time.Now().UTC().Truncate(time.Second)
	st := &a.obj.Status
	st.ReconciledAt = &now
	v, ok := e.opts.Sim.Deployment(a.seed.Dest, a.seed.Deployment)
	if !ok {
		st.Health = HealthStatus{Status: "Missing"}
		st.Sync = SyncStatus{Status: "OutOfSync", Revision: revision(a.obj.Spec)}
		return
	}
	live := containerImage(v, a.seed.Container)
	st.Summary.Images = images(v)
	st.Health = health(v)
	want, err := a.render(a.obj.Spec.Source, a.obj.Spec.Sources)
	st.Sync = SyncStatus{Status: "Synced", Revision: revision(a.obj.Spec)}
	if err != nil || want != live {
		st.Sync.Status = "OutOfSync"
	}
}

// autoSync starts an automated sync of an OutOfSync application: for a
// changed spec always, for drift only with self-heal, and never again for
// a spec whose last automated sync failed (Argo CD does not retry the same
// revision and parameters without a retry policy).
func (e *Emulator) autoSync(a *app) {
	p := a.obj.Spec.SyncPolicy
	st := a.obj.Status.OperationState
	if !p.auto() || a.obj.Status.Sync.Status != "OutOfSync" || a.obj.Operation != nil || (st != nil && st.FinishedAt == nil) {
		return
	}
	want, _ := a.render(a.obj.Spec.Source, a.obj.Spec.Sources)
	var last string
	if st != nil && st.Operation.Sync != nil {
		last, _ = a.render(st.Operation.Sync.Source, st.Operation.Sync.Sources)
	}
	switch {
	case st != nil && st.Phase != "Succeeded" && last == want:
		return
	case last == want && !p.selfHeal():
		return
	case last == want:
		a.heal++
	}
	a.obj.Operation = e.syncOperation(a, "", true, nil)
	a.obj.Status.OperationState = nil
}

func (e *Emulator) bump(a *app) {
	e.version++
	a.obj.Metadata.ResourceVersion = fmt.Sprint(e.version)
}

func containerImage(v kubesim.DeploymentView, name string) string {
	for _, c := range v.Containers {
		if c.Name == name {
			return c.Image
		}
	}
	return ""
}

func images(v kubesim.DeploymentView) []string {
	var out []string
	for _, c := range v.Containers {
		out = append(out, c.Image)
	}
	sort.Strings(out)
	return out
}

// health judges a Deployment as gitops-engine does
// (gitops-engine/pkg/health/health_deployment.go in argoproj/argo-cd).
func health(v kubesim.DeploymentView) HealthStatus {
	switch {
	case v.Paused:
		return HealthStatus{Status: "Suspended", Message: "Deployment is paused"}
	case v.Generation > v.ObservedGeneration:
		return HealthStatus{Status: "Progressing",
			Message: "Waiting for rollout to finish: observed deployment generation less than desired generation"}
	}
	for _, c := range v.Conditions {
		if c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded" {
			return HealthStatus{Status: "Degraded", Message: fmt.Sprintf("Deployment %q exceeded its progress deadline", v.Name)}
		}
	}
	switch {
	case v.Updated < v.Desired:
		return HealthStatus{Status: "Progressing", Message: fmt.Sprintf(
			"Waiting for rollout to finish: %d out of %d new replicas have been updated...", v.Updated, v.Desired)}
	case v.Replicas > v.Updated:
		return HealthStatus{Status: "Progressing", Message: fmt.Sprintf(
			"Waiting for rollout to finish: %d old replicas are pending termination...", v.Replicas-v.Updated)}
	case v.Available < v.Updated:
		return HealthStatus{Status: "Progressing", Message: fmt.Sprintf(
			"Waiting for rollout to finish: %d of %d updated replicas are available...", v.Available, v.Updated)}
	}
	return HealthStatus{Status: "Healthy"}
}
