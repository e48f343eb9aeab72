package argocd

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/adapters/deploytest"
)

// TestContract runs the deployer contract against the emulator with
// auto-sync and self-heal on (Argo CD's own sync applies the override),
// with them off (dingops's sync does), and on a multi-source Helm app.
func TestContract(t *testing.T) {
	for name, o := range map[string]rigOpts{"auto-sync": {}, "manual sync": {manualSync: true},
		"multi-source helm": {helm: true, manualSync: true}} {
		t.Run(name, func(t *testing.T) {
			deploytest.Run(t, func(t *testing.T) deploytest.Harness {
				r := newRig(t, o)
				h := deploytest.Harness{Deployer: r.dep, App: "web", Missing: artifactFor(repo + ":v9")}
				h.Artifacts[0], h.Artifacts[1] = r.artifact(t, "v1"), r.artifact(t, "v2")
				h.FailNext = r.emu.FailNextSync
				h.HangNext = func() { r.breakImage(t, h.Artifacts[1].Ref, math.MaxInt32) }
				// The write that makes the change is carried out and left
				// unanswered: with auto-sync the override patch (Argo CD
				// syncs it), else dingops's sync call.
				land := "PATCH /api/v1/applications/{name}"
				if o.manualSync {
					land = "POST /api/v1/applications/{name}/sync"
				}
				h.LandNext = func() { r.emu.LandNext(land, 1) }
				return h
			})
		})
	}
}

// breakImage makes image never ready, with the Deployment's progress
// deadline (scaled: 20 → 20 ms; MaxInt32: none, the rollout hangs).
func (r *rig) breakImage(t *testing.T, image string, deadline int32) {
	t.Helper()
	require.NoError(t, r.sim.SetNeverReady(image, true))
	_, err := r.sim.Clientset().AppsV1().Deployments(testNS).Patch(context.Background(), "web", types.MergePatchType,
		[]byte(`{"spec":{"progressDeadlineSeconds":`+strconv.Itoa(int(deadline))+`}}`), metav1.PatchOptions{})
	require.NoError(t, err)
}
