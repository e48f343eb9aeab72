package kubernetes

import (
	"errors"
	"io"
	"net/url"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/dingops/dingops/adapters/deploytest"
)

// TestContract runs the deployer contract with a failure the way it
// happens in a cluster: the new image never becomes ready and the
// Deployment passes its progress deadline.
func TestContract(t *testing.T) {
	deploytest.Run(t, func(t *testing.T) deploytest.Harness {
		c := newCluster(t, clusterOpts{})
		h := harness(t, c)
		h.FailNext = func(string) { c.breakImage(t, h.Artifacts[1].Ref, false) }
		return h
	})
}

// TestContractAPIError runs the contract with the API server refusing the
// patch.
func TestContractAPIError(t *testing.T) {
	deploytest.Run(t, func(t *testing.T) deploytest.Harness {
		c := newCluster(t, clusterOpts{})
		h := harness(t, c)
		h.FailNext = func(cause string) { c.sim.FailNextWrite(apierrors.NewInternalError(errors.New(cause))) }
		return h
	})
}

func harness(t *testing.T, c *cluster) deploytest.Harness {
	h := deploytest.Harness{Deployer: c.dep, App: "web",
		Missing: artifactFor("reg.example/team/web:v9")}
	h.Artifacts[0], h.Artifacts[1] = c.artifact(t, "v1"), c.artifact(t, "v2")
	h.HangNext = func() { c.breakImage(t, h.Artifacts[1].Ref, true) }
	// The patch is stored and its answer lost, as client-go reports a
	// connection dropped mid-answer (a *url.Error around unexpected EOF).
	h.LandNext = func() {
		c.sim.LandNextWrite(&url.Error{Op: "Patch", URL: "https://kube.example/apis/apps/v1/namespaces/prod/deployments/web",
			Err: io.ErrUnexpectedEOF})
	}
	return h
}
