package kubesim

import (
	"math"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Progressing/Available condition reasons the controller uses
// (kubernetes pkg/controller/deployment/util/deployment_util.go).
const (
	ReasonNewRSCreated       = "NewReplicaSetCreated"
	ReasonFoundNewRS         = "FoundNewReplicaSet"
	ReasonRSUpdated          = "ReplicaSetUpdated"
	ReasonNewRSAvailable     = "NewReplicaSetAvailable"
	ReasonTimedOut           = "ProgressDeadlineExceeded"
	ReasonPaused             = "DeploymentPaused"
	ReasonMinimumAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumUnavailable = "MinimumReplicasUnavailable"
)

// health is what a pod template's pods do in the simulated cluster.
type health int

const (
	healthReady       health = iota // pods start and become ready
	healthNotReady                  // pods run but never become ready
	healthPullBackOff               // an image is not in the registry
)

// health decides from the images: one unknown image keeps the pod from
// starting; one never-ready image keeps it from becoming ready. s.mu is held.
func (s *Sim) health(t *corev1.PodTemplateSpec) (health, string) {
	h, culprit := healthReady, ""
	for _, c := range t.Spec.Containers {
		if s.opts.Registry != nil && !s.opts.Registry.Has(c.Image) {
			return healthPullBackOff, c.Image
		}
		if key, err := canonical(c.Image); err != nil || s.neverReady[key] {
			h, culprit = healthNotReady, c.Image
		}
	}
	return h, culprit
}

// roll moves a rolling update one step: old pods go as new ones become
// available, new pods come up Step at a time within a surge of Step, and
// pods created in one step become available in the next (if healthy).
func (s *Sim) roll(r *rollout) {
	desired, step := *r.d.Spec.Replicas, s.opts.Step
	newAvail := int32(0)
	if h, _ := s.health(&r.newRS.Spec.Template); h == healthReady {
		newAvail = min(r.newRS.Status.Replicas, *r.newRS.Spec.Replicas)
	}
	excess := sumSpec(r.olds) - max(0, desired-newAvail)
	for _, rs := range r.olds {
		take := max(0, min(excess, *rs.Spec.Replicas))
		rs.Spec.Replicas = ptr(*rs.Spec.Replicas - take)
		excess -= take
	}
	cur := *r.newRS.Spec.Replicas
	if cur > desired {
		cur = desired
	} else {
		room := desired + step - sumSpec(r.olds) - cur
		cur += max(0, min(step, room, desired-cur))
	}
	r.newRS.Spec.Replicas = ptr(cur)
	setRSStatus(r.newRS, min(newAvail, cur))
	for _, rs := range r.olds {
		avail := int32(0)
		if h, _ := s.health(&rs.Spec.Template); h == healthReady {
			avail = *rs.Spec.Replicas
		}
		setRSStatus(rs, avail)
	}
}

func setRSStatus(rs *appsv1.ReplicaSet, available int32) {
	n := *rs.Spec.Replicas
	rs.Status.Replicas, rs.Status.FullyLabeledReplicas = n, n
	rs.Status.ReadyReplicas, rs.Status.AvailableReplicas = available, available
	rs.Status.ObservedGeneration = rs.Generation
}

func sumSpec(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		n += *rs.Spec.Replicas
	}
	return n
}

// status adds up the ReplicaSets into the Deployment's status counts.
func status(r *rollout) appsv1.DeploymentStatus {
	st := appsv1.DeploymentStatus{ObservedGeneration: r.d.Generation, CollisionCount: r.d.Status.CollisionCount,
		UpdatedReplicas: r.newRS.Status.Replicas}
	var specTotal int32
	for _, rs := range append([]*appsv1.ReplicaSet{r.newRS}, r.olds...) {
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
		specTotal += *rs.Spec.Replicas
	}
	st.UnavailableReplicas = max(0, specTotal-st.AvailableReplicas)
	for _, c := range r.d.Status.Conditions {
		st.Conditions = append(st.Conditions, *c.DeepCopy())
	}
	return st
}

// setConditions is the controller's syncRolloutStatus: complete, progress
// (which restarts the deadline), or a deadline passed without progress.
func (s *Sim) setConditions(r *rollout, prev appsv1.DeploymentStatus, st *appsv1.DeploymentStatus, now time.Time) {
	key := r.d.Namespace + "/" + r.d.Name
	if _, ok := s.progress[key]; !ok {
		s.progress[key] = now
	}
	name := r.newRS.Name
	cur := findCondition(prev.Conditions, appsv1.DeploymentProgressing)
	switch {
	case r.d.Spec.Paused:
		if cur == nil || cur.Reason != ReasonPaused {
			setCondition(st, appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonPaused, "Deployment is paused", now)
		}
		s.progress[key] = now
	case complete(r.d, st):
		if cur == nil || cur.Reason != ReasonNewRSAvailable {
			setCondition(st, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewRSAvailable,
				`ReplicaSet "`+name+`" has successfully progressed.`, now)
		}
		s.progress[key] = now
	case r.created || prev.ObservedGeneration != r.d.Generation:
		reason, msg := ReasonFoundNewRS, `Found new replica set "`+name+`"`
		if r.created {
			reason, msg = ReasonNewRSCreated, `Created new replica set "`+name+`"`
		}
		setCondition(st, appsv1.DeploymentProgressing, corev1.ConditionTrue, reason, msg, now)
		s.progress[key] = now
	case progressed(prev, *st):
		setCondition(st, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonRSUpdated,
			`ReplicaSet "`+name+`" is progressing.`, now)
		s.progress[key] = now
	case s.timedOut(r.d, now.Sub(s.progress[key])) && (cur == nil || cur.Reason != ReasonTimedOut):
		setCondition(st, appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonTimedOut,
			`ReplicaSet "`+name+`" has timed out progressing.`, now)
	}
	setAvailable(r.d, st, now)
}

// complete is the controller's DeploymentComplete.
func complete(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	n := *d.Spec.Replicas
	return st.UpdatedReplicas == n && st.Replicas == n && st.AvailableReplicas == n &&
		st.ObservedGeneration >= d.Generation
}

// progressed is the controller's DeploymentProgressing.
func progressed(prev, st appsv1.DeploymentStatus) bool {
	return st.UpdatedReplicas > prev.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < prev.Replicas-prev.UpdatedReplicas ||
		st.ReadyReplicas > prev.ReadyReplicas || st.AvailableReplicas > prev.AvailableReplicas
}

// timedOut applies spec.progressDeadlineSeconds, scaled; MaxInt32 means none.
func (s *Sim) timedOut(d *appsv1.Deployment, since time.Duration) bool {
	pds := d.Spec.ProgressDeadlineSeconds
	if pds == nil || *pds == math.MaxInt32 {
		return false
	}
	return since > time.Duration(float64(*pds)*float64(time.Second)*s.opts.DeadlineScale)
}

// setAvailable sets the Available condition from maxUnavailable.
func setAvailable(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now time.Time) {
	desired := *d.Spec.Replicas
	maxUnavailable := 0
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxUnavailable != nil {
		maxUnavailable, _ = intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, int(desired), false)
	}
	status, reason, msg := corev1.ConditionFalse, ReasonMinimumUnavailable, "Deployment does not have minimum availability."
	if st.AvailableReplicas >= desired-int32(maxUnavailable) {
		status, reason, msg = corev1.ConditionTrue, ReasonMinimumAvailable, "Deployment has minimum availability."
	}
	if c := findCondition(st.Conditions, appsv1.DeploymentAvailable); c == nil || c.Status != status {
		setCondition(st, appsv1.DeploymentAvailable, status, reason, msg, now)
	}
}

func findCondition(cs []appsv1.DeploymentCondition, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

// setCondition replaces a condition, keeping its transition time when the
// status did not change.
func setCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType, status corev1.ConditionStatus,
	reason, msg string, now time.Time) {
	c := appsv1.DeploymentCondition{Type: t, Status: status, Reason: reason, Message: msg,
		LastUpdateTime: metav1.NewTime(now), LastTransitionTime: metav1.NewTime(now)}
	if old := findCondition(st.Conditions, t); old != nil {
		if old.Status == status {
			c.LastTransitionTime = old.LastTransitionTime
		}
		*old = c
		return
	}
	st.Conditions = append(st.Conditions, c)
}
