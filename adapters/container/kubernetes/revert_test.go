package kubernetes

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dingops/dingops/core"
)

func TestFailedRolloutIsReverted(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	good, bad := c.artifact(t, "v1"), c.artifact(t, "v2")
	require.NoError(t, c.dep.Deploy(context.Background(), request(good, 1)))
	c.breakImage(t, bad.Ref, false)
	var log bytes.Buffer
	req := request(bad, 2)
	req.Log = &log
	err := c.dep.Deploy(context.Background(), req)

	var re *RolloutError
	require.ErrorAs(t, err, &re)
	assert.True(t, re.Reverted)
	assert.NoError(t, re.RevertErr)
	assert.Equal(t, good.Ref, re.RevertedTo, "the image read before patching")
	msg := err.Error()
	for _, s := range []string{"web", bad.Label(), "exceeded its progress deadline", "has timed out progressing", "reverted to " + good.Ref} {
		assert.Contains(t, msg, s)
	}
	assert.Contains(t, log.String(), "rollout failed")
	assert.Equal(t, good.Ref, c.image(t, "web", "app"))
	live, err := c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(good))
	v, _ := c.sim.Deployment(testNS, "web")
	assert.Contains(t, v.History[0].ChangeCause, "(revert: rollout of "+bad.Label()+" failed)")
	assert.Equal(t, `deployment "web" successfully rolled out`, v.Rollout, "the revert was waited for")
}

func TestRevertGoesToRequestPrevious(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	prev, bad := c.artifact(t, "v1"), c.artifact(t, "v2")
	c.breakImage(t, bad.Ref, false)
	req := request(bad, 2)
	req.Previous = prev // what the engine recorded as live, e.g. for a resumed deploy
	err := c.dep.Deploy(context.Background(), req)
	var re *RolloutError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, prev.Ref, re.RevertedTo)
	assert.Equal(t, prev.Ref, c.image(t, "web", "app"))
}

func TestFailedRolloutKeptWhenRevertIsOff(t *testing.T) {
	c := newCluster(t, clusterOpts{config: func(cfg *Config) { cfg.NoRevert = true }})
	bad := c.artifact(t, "v2")
	c.breakImage(t, bad.Ref, false)
	err := c.dep.Deploy(context.Background(), request(bad, 2))
	var re *RolloutError
	require.ErrorAs(t, err, &re)
	assert.False(t, re.Reverted)
	assert.Contains(t, err.Error(), "not reverted: reverting is turned off")
	assert.Equal(t, bad.Ref, c.image(t, "web", "app"))
	live, err := c.dep.Live(context.Background())
	require.NoError(t, err)
	assert.True(t, live.Same(bad), "live tells the truth: the failed image is in the spec")
	assert.Equal(t, bad.Display+" (rollout failed)", live.Display)
	lines, err := c.dep.Status(context.Background())
	require.NoError(t, err)
	assert.Contains(t, lines[0], "exceeded its progress deadline")
}

func TestTimeoutIsAFailure(t *testing.T) {
	c := newCluster(t, clusterOpts{config: func(cfg *Config) { cfg.Timeout = 50 * time.Millisecond }})
	bad := c.artifact(t, "v2")
	c.breakImage(t, bad.Ref, true)
	err := c.dep.Deploy(context.Background(), request(bad, 2))
	require.ErrorIs(t, err, errTimeout)
	var re *RolloutError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), `deployment "web" passed the rollout timeout of 50ms (last status: Waiting for deployment "web"`)
	assert.True(t, re.Reverted, "the revert gets its own timeout")
	assert.Equal(t, seedImage, c.image(t, "web", "app"))
}

func TestCancelLeavesTheRollout(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	bad := c.artifact(t, "v2")
	c.breakImage(t, bad.Ref, true)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := c.dep.Deploy(ctx, request(bad, 2))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, errTimeout)
	assert.Equal(t, bad.Ref, c.image(t, "web", "app"), "a cancelled deploy reverts nothing; a resumed one continues")
	assert.Len(t, patches(c), 2, "the deadline patch and the image patch, no revert")
}

func TestNothingToRevert(t *testing.T) {
	c := newCluster(t, clusterOpts{})
	bad := c.artifact(t, "v2")
	c.breakImage(t, bad.Ref, false)
	// Someone else set the image already; the request knows no previous one.
	_, err := c.sim.Clientset().AppsV1().Deployments(testNS).Patch(context.Background(), "web",
		types.StrategicMergePatchType,
		[]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"`+bad.Ref+`"}]}}}}`),
		metav1.PatchOptions{})
	require.NoError(t, err)
	err = c.dep.Deploy(context.Background(), core.DeployRequest{App: "web", Artifact: bad})
	var re *RolloutError
	require.ErrorAs(t, err, &re)
	assert.False(t, re.Reverted)
	assert.Contains(t, err.Error(), "not reverted: no previous image is known to go back to")
}
