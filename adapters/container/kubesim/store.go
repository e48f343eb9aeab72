package kubesim

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
)

// canonical is the key that makes two spellings of an image the same.
func canonical(image string) (string, error) {
	ref, err := imageref.Parse(image)
	if err != nil {
		return "", err
	}
	return ref.Canonical(), nil
}

// listDeployments reads Deployments of ns ("" = all) from the tracker,
// sorted by namespace and name.
func (s *Sim) listDeployments(ns string) ([]*appsv1.Deployment, error) {
	obj, err := s.tracker.List(deploymentsGVR, deploymentGVK, ns)
	if err != nil {
		return nil, err
	}
	list, ok := obj.(*appsv1.DeploymentList)
	if !ok {
		return nil, fmt.Errorf("tracker listed %T for deployments", obj)
	}
	out := make([]*appsv1.Deployment, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func (s *Sim) listReplicaSets(ns string) ([]*appsv1.ReplicaSet, error) {
	obj, err := s.tracker.List(replicaSetsGVR, replicaSetGVK, ns)
	if err != nil {
		return nil, err
	}
	list, ok := obj.(*appsv1.ReplicaSetList)
	if !ok {
		return nil, fmt.Errorf("tracker listed %T for replica sets", obj)
	}
	out := make([]*appsv1.ReplicaSet, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out, nil
}

// ownedReplicaSets are the ReplicaSets the Deployment controls (by UID, as
// kubectl's GetAllReplicaSets filters them).
func (s *Sim) ownedReplicaSets(d *appsv1.Deployment) ([]*appsv1.ReplicaSet, error) {
	all, err := s.listReplicaSets(d.Namespace)
	if err != nil {
		return nil, err
	}
	var out []*appsv1.ReplicaSet
	for _, rs := range all {
		if metav1.IsControlledBy(rs, d) {
			out = append(out, rs)
		}
	}
	sort.Slice(out, func(i, j int) bool { return revision(out[i]) > revision(out[j]) })
	return out, nil
}

// writeReplicaSets stores the ReplicaSets a sync created or changed.
func (s *Sim) writeReplicaSets(r *rollout) (bool, error) {
	changed := false
	for _, rs := range append([]*appsv1.ReplicaSet{r.newRS}, r.olds...) {
		var err error
		switch {
		case r.phantom && rs == r.newRS:
			continue
		case r.created && rs == r.newRS:
			rs.CreationTimestamp = metav1.NewTime(s.clock.Now())
			err = s.tracker.Create(replicaSetsGVR, rs, rs.Namespace, metav1.CreateOptions{FieldManager: controllerManager})
		case !apiequality.Semantic.DeepEqual(r.before[rs.Name], rs):
			err = s.tracker.Update(replicaSetsGVR, rs, rs.Namespace, metav1.UpdateOptions{FieldManager: controllerManager})
		default:
			continue
		}
		if err != nil {
			return changed, fmt.Errorf("writing replica set %s: %w", rs.Name, err)
		}
		changed = true
	}
	return changed, nil
}

// collectOrphans is the garbage collector: ReplicaSets whose Deployment is
// gone are deleted, and the deadline clock of a gone Deployment forgotten.
func (s *Sim) collectOrphans(live map[types.UID]string) bool {
	rss, err := s.listReplicaSets("")
	if err != nil {
		s.log.Error("kubesim: listing replica sets", "err", err)
		return false
	}
	changed := false
	for _, rs := range rss {
		ref := metav1.GetControllerOf(rs)
		if ref == nil || ref.Kind != "Deployment" || live[ref.UID] != "" {
			continue
		}
		if err := s.tracker.Delete(replicaSetsGVR, rs.Namespace, rs.Name); err != nil {
			s.log.Error("kubesim: deleting orphaned replica set", "name", rs.Name, "err", err)
			continue
		}
		changed = true
	}
	keys := map[string]bool{}
	for _, k := range live {
		keys[k] = true
	}
	for k := range s.progress {
		if !keys[k] {
			delete(s.progress, k)
		}
	}
	return changed
}
