package playground_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot/playground"
)

// approve clicks Approve on the newest card of app as bob.
func (r *running) approve(app string) {
	r.t.Helper()
	c := r.cardIs("alice", app, "pending_approval")
	code, out := r.post("/click", map[string]string{"as": "bob", "card": c.OutTrackID, "action": "approve"})
	require.Equal(r.t, 200, code, "%v", out)
}

// TestKubernetesAndMiniProgram: the other two target kinds, through the
// same page API: api rolls back on the simulated cluster (through the
// kubeconfig the playground wrote) and mini releases a new version built
// by Jenkins.
func TestKubernetesAndMiniProgram(t *testing.T) {
	r := start(t, "")
	before := r.state("alice")
	v3image := before.API.Image
	r.say("alice", "/rollback api v2")
	r.approve("api")
	r.say("alice", "/release mini feature/clean")
	r.cardIs("alice", "api", "succeeded")
	r.cardIs("alice", "mini", "succeeded")
	st := r.state("alice")
	assert.NotEqual(t, v3image, st.API.Image, "the Deployment runs v2's image")
	assert.True(t, st.API.Done, st.API.Rollout)
	require.NotNil(t, st.Mini.Online)
	assert.Equal(t, "1.3.0", st.Mini.Online.Version, "the build uploaded 1.3.0 and it was published")
	require.NotEmpty(t, st.Builds)
	assert.Equal(t, "shop/mini", st.Builds[0].Job)
	assert.Equal(t, "SUCCESS", st.Builds[0].Result)
}

// TestDataDirKeepsTheStore: with --data the store survives a restart, the
// demo is not recorded twice, and the emulators come back holding what
// the store says is live, so older versions can still be rolled back to.
func TestDataDirKeepsTheStore(t *testing.T) {
	dir := t.TempDir()
	r := start(t, dir)
	v3 := r.state("alice").Web.Source
	r.say("alice", "/rollback web v2")
	r.approve("web")
	r.cardIs("alice", "web", "succeeded")
	v2 := r.waitFor("alice", "v2 live", func(st playground.State) bool { return st.Web.Source != v3 }).Web.Source
	r.stop()
	_, err := os.Stat(filepath.Join(dir, "dingops-playground.db"))
	require.NoError(t, err, "the SQLite file is kept")

	r = start(t, dir)
	st := r.state("alice")
	assert.Equal(t, v2, st.Web.Source, "what was live is live again")
	assert.Equal(t, "1.2.0", st.Mini.Online.Version)
	r.say("alice", "/history web")
	reply := r.reply("alice", "v4")
	assert.NotContains(t, reply.Text, "v7", "the demo was not recorded again")
	r.say("alice", "/rollback web v3")
	r.approve("web")
	r.cardIs("alice", "web", "succeeded")
	r.waitFor("alice", "v3 live again", func(st playground.State) bool { return st.Web.Source == v3 })
}
