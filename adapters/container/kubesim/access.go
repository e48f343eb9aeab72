package kubesim

import (
	authv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clienttesting "k8s.io/client-go/testing"
)

// Forbid makes the simulated caller's Role lack verb on resource (e.g.
// "patch", "deployments"): a SelfSubjectAccessReview for it answers
// allowed=false, as the API server's RBAC authorizer does. Permit gives it
// back. Everything not forbidden is allowed.
func (s *Sim) Forbid(verb, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forbidden == nil {
		s.forbidden = map[string]bool{}
	}
	s.forbidden[verb+" "+resource] = true
}

// Permit undoes Forbid.
func (s *Sim) Permit(verb, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.forbidden, verb+" "+resource)
}

// reactAccess answers a SelfSubjectAccessReview create.
func (s *Sim) reactAccess(action clienttesting.Action) (bool, runtime.Object, error) {
	c, ok := action.(clienttesting.CreateAction)
	if !ok {
		return false, nil, nil
	}
	r, ok := c.GetObject().(*authv1.SelfSubjectAccessReview)
	if !ok {
		return false, nil, nil
	}
	out := r.DeepCopy()
	out.Status = authv1.SubjectAccessReviewStatus{Allowed: true, Reason: "RBAC: allowed by the simulated Role"}
	if a := r.Spec.ResourceAttributes; a != nil {
		s.mu.Lock()
		denied := s.forbidden[a.Verb+" "+a.Resource]
		s.mu.Unlock()
		if denied {
			out.Status = authv1.SubjectAccessReviewStatus{Allowed: false}
		}
	}
	return true, out, nil
}
