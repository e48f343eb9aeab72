package kubernetes

import (
	"context"
	"fmt"

	authv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8s "k8s.io/client-go/kubernetes"
)

// Access is one RBAC question: may the caller verb group/resource in
// namespace.
type Access struct {
	Namespace, Verb, Group, Resource string
}

// CanI asks the API server a SelfSubjectAccessReview (what `kubectl auth
// can-i` asks) and returns whether it is allowed and the authorizer's
// reason.
func CanI(ctx context.Context, cs k8s.Interface, a Access) (bool, string, error) {
	r := &authv1.SelfSubjectAccessReview{Spec: authv1.SelfSubjectAccessReviewSpec{
		ResourceAttributes: &authv1.ResourceAttributes{Namespace: a.Namespace, Verb: a.Verb, Group: a.Group, Resource: a.Resource}}}
	out, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, r, metav1.CreateOptions{})
	if err != nil {
		return false, "", fmt.Errorf("asking whether %s %s may be done in %s: %w", a.Verb, a.Resource, a.Namespace, err)
	}
	return out.Status.Allowed, out.Status.Reason, nil
}
