package playground_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
)

// TestArgoCDRollback: catalog is an Argo CD application. At start Argo CD
// reports it Synced and Healthy on v3; /rollback catalog v2, approved,
// sets the Application's kustomize image and syncs, and the Deployment
// Argo CD manages runs v2 — and stays there (self-heal is on).
func TestArgoCDRollback(t *testing.T) {
	r := start(t, "")
	st := r.waitFor("alice", "catalog synced", func(st playground.State) bool {
		return st.ArgoCD.Running && st.ArgoCD.Sync == "Synced" && st.ArgoCD.Health == "Healthy" && st.ArgoCD.Done
	})
	v3 := st.ArgoCD.Image
	require.Contains(t, v3, "registry.playground.local/shop/catalog@sha256:")
	assert.Empty(t, st.ArgoCD.Override, "git's image: no override yet")

	r.say("alice", "/rollback catalog v2")
	pending := r.cardIs("alice", "catalog", "pending_approval")
	code, out := r.post("/click", map[string]string{"as": "bob", "card": pending.OutTrackID, "action": "approve"})
	require.Equal(t, http.StatusOK, code, "%v", out)
	done := r.cardIs("bob", "catalog", "succeeded")
	assert.NotContains(t, done.Data["body"], "managed by Argo CD")
	st = r.waitFor("bob", "v2 on the cluster", func(st playground.State) bool {
		return st.ArgoCD.Image != v3 && st.ArgoCD.Done && st.ArgoCD.Sync == "Synced"
	})
	assert.True(t, strings.HasPrefix(st.ArgoCD.Override, "registry.playground.local/shop/catalog="), st.ArgoCD.Override)
	assert.Contains(t, st.ArgoCD.Override, strings.TrimPrefix(st.ArgoCD.Image, "registry.playground.local/shop/catalog"))
	assert.Equal(t, "Healthy", st.ArgoCD.Health)
}
