package kubesim

import (
	"encoding/json"
	"hash/fnv"
	"maps"
	"sort"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/uuid"
)

// Annotations and labels the Deployment controller maintains.
const (
	RevisionAnnotation    = "deployment.kubernetes.io/revision"
	ChangeCauseAnnotation = "kubernetes.io/change-cause"
	desiredReplicasAnno   = "deployment.kubernetes.io/desired-replicas"
	maxReplicasAnno       = "deployment.kubernetes.io/max-replicas"
	podTemplateHashLabel  = "pod-template-hash"
)

// notCopied are the Deployment annotations the controller does not copy to
// its ReplicaSets (deployment_util.go: skipCopyAnnotation).
var notCopied = map[string]bool{
	"kubectl.kubernetes.io/last-applied-configuration": true,
	RevisionAnnotation:                          true,
	"deployment.kubernetes.io/revision-history": true,
	desiredReplicasAnno:                         true,
	maxReplicasAnno:                             true,
	"deprecated.deployment.rollback.to":         true,
}

// Step runs one pass of the simulated controller over every Deployment and
// reports whether anything changed. The loop calls it on every tick; tests
// may call it directly with a fake clock.
func (s *Sim) Step() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	ds, err := s.listDeployments("")
	if err != nil {
		s.log.Error("kubesim: listing deployments", "err", err)
		return false
	}
	changed := false
	live := map[types.UID]string{}
	for _, d := range ds {
		live[d.UID] = d.Namespace + "/" + d.Name
		c, err := s.sync(d, now)
		if err != nil {
			s.log.Error("kubesim: syncing deployment", "namespace", d.Namespace, "name", d.Name, "err", err)
		}
		changed = changed || c
	}
	return s.collectOrphans(live) || changed
}

// rollout is one Deployment's ReplicaSets during a sync.
type rollout struct {
	d       *appsv1.Deployment
	newRS   *appsv1.ReplicaSet
	olds    []*appsv1.ReplicaSet // sorted by revision, oldest first
	created bool                 // newRS did not exist before this sync
	phantom bool                 // newRS is not stored (paused Deployment)
	before  map[string]*appsv1.ReplicaSet
}

// sync reconciles one Deployment like the controller's rolling update.
func (s *Sim) sync(d *appsv1.Deployment, now time.Time) (bool, error) {
	r, err := s.load(d)
	if err != nil {
		return false, err
	}
	orig := d.DeepCopy()
	if d.Spec.Paused && r.created {
		// A paused Deployment gets no new ReplicaSet until it is resumed.
		r.created, r.phantom = false, true
	} else {
		s.adoptRevision(r)
	}
	if !d.Spec.Paused {
		s.roll(r)
	}
	st := status(r)
	s.setConditions(r, orig.Status, &st, now)
	d.Status = st
	s.cleanupHistory(r)
	rsChanged, err := s.writeReplicaSets(r)
	if err != nil {
		return rsChanged, err
	}
	if apiequality.Semantic.DeepEqual(orig, d) {
		return rsChanged, nil
	}
	return true, s.tracker.Update(deploymentsGVR, d, d.Namespace, metav1.UpdateOptions{FieldManager: controllerManager})
}

// load finds the Deployment's ReplicaSets and the one matching its current
// template, creating that one (with zero replicas) when none does.
func (s *Sim) load(d *appsv1.Deployment) (*rollout, error) {
	rss, err := s.ownedReplicaSets(d)
	if err != nil {
		return nil, err
	}
	r := &rollout{d: d, before: map[string]*appsv1.ReplicaSet{}}
	for _, rs := range rss {
		r.before[rs.Name] = rs.DeepCopy()
		if r.newRS == nil && sameTemplate(&d.Spec.Template, &rs.Spec.Template) {
			r.newRS = rs
			continue
		}
		r.olds = append(r.olds, rs)
	}
	sort.SliceStable(r.olds, func(i, j int) bool { return revision(r.olds[i]) < revision(r.olds[j]) })
	if r.newRS == nil {
		r.newRS, r.created = newReplicaSet(d, maxRevision(r.olds)+1), true
	}
	return r, nil
}

// sameTemplate compares templates ignoring the pod-template-hash label, as
// the controller's EqualIgnoreHash does.
func sameTemplate(a, b *corev1.PodTemplateSpec) bool {
	a1, b1 := a.DeepCopy(), b.DeepCopy()
	delete(a1.Labels, podTemplateHashLabel)
	delete(b1.Labels, podTemplateHashLabel)
	if len(a1.Labels) == 0 {
		a1.Labels = nil
	}
	if len(b1.Labels) == 0 {
		b1.Labels = nil
	}
	return apiequality.Semantic.DeepEqual(a1, b1)
}

func newReplicaSet(d *appsv1.Deployment, rev int64) *appsv1.ReplicaSet {
	hash := templateHash(&d.Spec.Template)
	tmpl := d.Spec.Template.DeepCopy()
	tmpl.Labels = withLabel(tmpl.Labels, podTemplateHashLabel, hash)
	sel := d.Spec.Selector.DeepCopy()
	sel.MatchLabels = withLabel(sel.MatchLabels, podTemplateHashLabel, hash)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: d.Name + "-" + hash, Namespace: d.Namespace, UID: uuid.NewUUID(),
			Labels:          withLabel(maps.Clone(d.Spec.Template.Labels), podTemplateHashLabel, hash),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, deploymentGVK)}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(0)), Selector: sel, Template: *tmpl},
	}
	copyAnnotations(d, rs, rev)
	return rs
}

// templateHash names a ReplicaSet after its template, like the
// controller's ComputeHash (FNV-32a, safe-encoded).
func templateHash(t *corev1.PodTemplateSpec) string {
	h := fnv.New32a()
	b, _ := json.Marshal(t) // a pod template always marshals
	_, _ = h.Write(b)
	return rand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}

func withLabel(m map[string]string, k, v string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}

// copyAnnotations gives the new ReplicaSet the Deployment's annotations
// (change-cause included) and its revision, as SetNewReplicaSetAnnotations.
func copyAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, rev int64) {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	for k, v := range d.Annotations {
		if !notCopied[k] {
			rs.Annotations[k] = v
		}
	}
	rs.Annotations[RevisionAnnotation] = strconv.FormatInt(rev, 10)
	rs.Annotations[desiredReplicasAnno] = strconv.Itoa(int(*d.Spec.Replicas))
}

// adoptRevision makes a reused ReplicaSet (a rollback to an old template)
// the newest revision and stamps the Deployment with it.
func (s *Sim) adoptRevision(r *rollout) {
	if want := maxRevision(r.olds) + 1; !r.created && revision(r.newRS) < want {
		copyAnnotations(r.d, r.newRS, want)
	}
	if r.d.Annotations == nil {
		r.d.Annotations = map[string]string{}
	}
	r.d.Annotations[RevisionAnnotation] = r.newRS.Annotations[RevisionAnnotation]
}

func revision(rs *appsv1.ReplicaSet) int64 {
	v, err := strconv.ParseInt(rs.Annotations[RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

func maxRevision(rss []*appsv1.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		m = max(m, revision(rs))
	}
	return m
}

// cleanupHistory deletes the oldest scaled-down ReplicaSets beyond
// spec.revisionHistoryLimit.
func (s *Sim) cleanupHistory(r *rollout) {
	limit := int(*r.d.Spec.RevisionHistoryLimit)
	var idle []*appsv1.ReplicaSet
	for _, rs := range r.olds {
		if *rs.Spec.Replicas == 0 && rs.Status.Replicas == 0 {
			idle = append(idle, rs)
		}
	}
	for i := 0; i < len(idle)-limit; i++ {
		if err := s.tracker.Delete(replicaSetsGVR, idle[i].Namespace, idle[i].Name); err != nil {
			s.log.Error("kubesim: deleting old replica set", "name", idle[i].Name, "err", err)
		}
		delete(r.before, idle[i].Name)
		r.olds = removeRS(r.olds, idle[i])
	}
}

func removeRS(rss []*appsv1.ReplicaSet, x *appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	out := rss[:0:0]
	for _, rs := range rss {
		if rs != x {
			out = append(out, rs)
		}
	}
	return out
}
