package kubesim

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	clienttesting "k8s.io/client-go/testing"
)

// DeploymentView is a snapshot of one Deployment for the playground's side
// panel and for tests.
type DeploymentView struct {
	Namespace          string
	Name               string
	Containers         []Container
	Annotations        map[string]string
	Labels             map[string]string
	Generation         int64
	ObservedGeneration int64
	Desired            int32
	Replicas           int32
	Updated            int32
	Available          int32
	Paused             bool
	Conditions         []Condition
	// Rollout is what `kubectl rollout status` would print.
	Rollout string
	// Pods summarises the pods by state ("3 ready", "1 ImagePullBackOff (reg/web:v9), 3 ready").
	Pods string
	// History is `kubectl rollout history`, newest revision first.
	History []Revision
}

// Condition is one status condition.
type Condition struct {
	Type    string
	Status  string
	Reason  string
	Message string
}

// Revision is one ReplicaSet of a Deployment's history.
type Revision struct {
	Revision    int64
	ReplicaSet  string
	Containers  []Container
	ChangeCause string
	Replicas    int32
	Ready       int32 // pods of this ReplicaSet that are ready (status.readyReplicas)
	Current     bool  // the ReplicaSet of the Deployment's current template
}

// Deployments lists every Deployment, sorted by namespace and name.
func (s *Sim) Deployments() []DeploymentView {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds, err := s.listDeployments("")
	if err != nil {
		s.log.Error("kubesim: listing deployments", "err", err)
		return nil
	}
	out := make([]DeploymentView, 0, len(ds))
	for _, d := range ds {
		out = append(out, s.view(d))
	}
	return out
}

// Deployment is one Deployment's view, if it exists.
func (s *Sim) Deployment(namespace, name string) (DeploymentView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.getDeployment(namespace, name)
	if err != nil {
		return DeploymentView{}, false
	}
	return s.view(d), true
}

// view builds a snapshot; s.mu is held.
func (s *Sim) view(d *appsv1.Deployment) DeploymentView {
	v := DeploymentView{Namespace: d.Namespace, Name: d.Name, Containers: containers(&d.Spec.Template),
		Annotations: maps.Clone(d.Annotations), Labels: maps.Clone(d.Labels), Generation: d.Generation,
		ObservedGeneration: d.Status.ObservedGeneration, Desired: *d.Spec.Replicas, Replicas: d.Status.Replicas,
		Updated: d.Status.UpdatedReplicas, Available: d.Status.AvailableReplicas, Paused: d.Spec.Paused,
		Rollout: RolloutStatus(d)}
	for _, c := range d.Status.Conditions {
		v.Conditions = append(v.Conditions, Condition{Type: string(c.Type), Status: string(c.Status),
			Reason: c.Reason, Message: c.Message})
	}
	rss, err := s.ownedReplicaSets(d)
	if err != nil {
		s.log.Error("kubesim: listing replica sets", "deployment", d.Name, "err", err)
		return v
	}
	var pods []string
	for _, rs := range rss {
		v.History = append(v.History, Revision{Revision: revision(rs), ReplicaSet: rs.Name,
			Containers: containers(&rs.Spec.Template), ChangeCause: rs.Annotations[ChangeCauseAnnotation],
			Replicas: *rs.Spec.Replicas, Ready: rs.Status.ReadyReplicas, Current: sameTemplate(&d.Spec.Template, &rs.Spec.Template)})
		pods = append(pods, s.podStates(rs)...)
	}
	v.Pods = strings.Join(pods, ", ")
	if v.Pods == "" {
		v.Pods = "no pods"
	}
	return v
}

// podStates describes a ReplicaSet's pods; s.mu is held.
func (s *Sim) podStates(rs *appsv1.ReplicaSet) []string {
	n, avail := rs.Status.Replicas, rs.Status.AvailableReplicas
	if n == 0 {
		return nil
	}
	var out []string
	if avail > 0 {
		out = append(out, fmt.Sprintf("%d ready", avail))
	}
	if rest := n - avail; rest > 0 {
		switch h, img := s.health(&rs.Spec.Template); h {
		case healthPullBackOff:
			out = append(out, fmt.Sprintf("%d ImagePullBackOff (%s)", rest, img))
		case healthNotReady:
			out = append(out, fmt.Sprintf("%d running, not ready (%s)", rest, img))
		default:
			out = append(out, fmt.Sprintf("%d starting", rest))
		}
	}
	return out
}

func containers(t *corev1.PodTemplateSpec) []Container {
	out := make([]Container, 0, len(t.Spec.Containers))
	for _, c := range t.Spec.Containers {
		out = append(out, Container{Name: c.Name, Image: c.Image})
	}
	return out
}

// RolloutStatus is the line `kubectl rollout status` prints for d
// (kubectl pkg/polymorphichelpers/rollout_status.go).
func RolloutStatus(d *appsv1.Deployment) string {
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed..."
	}
	if c := findCondition(d.Status.Conditions, appsv1.DeploymentProgressing); c != nil && c.Reason == ReasonTimedOut {
		return fmt.Sprintf("error: deployment %q exceeded its progress deadline", d.Name)
	}
	st, want := d.Status, int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	switch {
	case st.UpdatedReplicas < want:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...",
			d.Name, st.UpdatedReplicas, want)
	case st.Replicas > st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...",
			d.Name, st.Replicas-st.UpdatedReplicas)
	case st.AvailableReplicas < st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...",
			d.Name, st.AvailableReplicas, st.UpdatedReplicas)
	}
	return fmt.Sprintf("deployment %q successfully rolled out", d.Name)
}

// Images lists the distinct images of every Deployment's current template,
// sorted: what the cluster is asked to run.
func (s *Sim) Images() []string {
	seen := map[string]bool{}
	for _, v := range s.Deployments() {
		for _, c := range v.Containers {
			seen[c.Image] = true
		}
	}
	out := make([]string, 0, len(seen))
	for img := range seen {
		out = append(out, img)
	}
	sort.Strings(out)
	return out
}

// Request is one call the clientset received, for the playground's log.
type Request struct {
	Verb         string // get, list, patch, update, create, delete, watch
	Resource     string
	Subresource  string
	Namespace    string
	Name         string
	PatchType    string // for patches: the content type
	FieldManager string
}

// Requests lists the calls made through Clientset, oldest first (the log is
// cleared once it passes Options.MaxActions).
func (s *Sim) Requests() []Request {
	var out []Request
	for _, a := range s.cs.Actions() {
		r := Request{Verb: a.GetVerb(), Resource: a.GetResource().Resource, Subresource: a.GetSubresource(),
			Namespace: a.GetNamespace()}
		if n, ok := a.(interface{ GetName() string }); ok {
			r.Name = n.GetName()
		}
		if p, ok := a.(clienttesting.PatchActionImpl); ok {
			r.PatchType, r.FieldManager = string(p.GetPatchType()), p.PatchOptions.FieldManager
		}
		out = append(out, r)
	}
	return out
}
