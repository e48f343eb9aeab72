package kubernetes

import (
	"context"

	"github.com/dingops/dingops/adapters/container/kubernetes/imageref"
)

// RegistryChecker asks an image registry whether an image exists, for
// targets that set images through something else than a Deployment patch
// (the argocd target).
type RegistryChecker struct{ c *registryClient }

// NewRegistryChecker builds a checker from the same settings Check uses.
func NewRegistryChecker(cfg RegistryConfig) *RegistryChecker {
	return &RegistryChecker{c: newRegistryClient(cfg)}
}

// Digest is the digest the registry holds for ref; an image it does not
// hold is an error naming the image and the registry's reason.
func (r *RegistryChecker) Digest(ctx context.Context, ref imageref.Ref) (string, error) {
	return r.c.digest(ctx, ref)
}
