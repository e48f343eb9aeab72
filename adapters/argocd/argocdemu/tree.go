package argocdemu

import (
	"fmt"
	"sort"

	"github.com/dingops/dingops/adapters/container/kubesim"
)

// podNodes are the ReplicaSet and Pod nodes of a Deployment's tree, as
// Argo CD's controller cache builds them (controller/cache/info.go in
// argoproj/argo-cd: a Pod's images from its containers and an info item
// "Containers" = ready/total; health as gitops-engine's health_pod.go:
// running and ready is Healthy, running and not ready Progressing).
// kubesim has no pod objects: a ReplicaSet's pods are numbered, the first
// status.readyReplicas of them ready.
func podNodes(v kubesim.DeploymentView) []ResourceNode {
	var out []ResourceNode
	for _, rev := range v.History {
		if rev.Replicas == 0 && rev.Ready == 0 {
			continue
		}
		imgs := make([]string, 0, len(rev.Containers))
		for _, c := range rev.Containers {
			imgs = append(imgs, c.Image)
		}
		sort.Strings(imgs)
		rsHealth := HealthStatus{Status: "Healthy"}
		if rev.Ready < rev.Replicas {
			rsHealth = HealthStatus{Status: "Progressing", Message: "Waiting for rollout to finish"}
		}
		out = append(out, ResourceNode{Group: "apps", Version: "v1", Kind: "ReplicaSet", Namespace: v.Namespace,
			Name: rev.ReplicaSet, Health: &rsHealth, Info: []InfoItem{{Name: "Revision", Value: fmt.Sprintf("Rev:%d", rev.Revision)}},
			ParentRefs: []ResourceRef{{Group: "apps", Kind: "Deployment", Namespace: v.Namespace, Name: v.Name}}})
		for i := range max(rev.Replicas, rev.Ready) {
			h, ready := HealthStatus{Status: "Healthy"}, len(rev.Containers)
			if int32(i) >= rev.Ready {
				h, ready = HealthStatus{Status: "Progressing"}, 0
			}
			out = append(out, ResourceNode{Version: "v1", Kind: "Pod", Namespace: v.Namespace,
				Name: fmt.Sprintf("%s-%05d", rev.ReplicaSet, i), Images: imgs, Health: &h,
				Info:       []InfoItem{{Name: "Containers", Value: fmt.Sprintf("%d/%d", ready, len(rev.Containers))}},
				ParentRefs: []ResourceRef{{Group: "apps", Kind: "ReplicaSet", Namespace: v.Namespace, Name: rev.ReplicaSet}}})
		}
	}
	return out
}
