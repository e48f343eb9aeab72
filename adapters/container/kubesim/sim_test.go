package kubesim

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
)

const ns = "prod"

// newSim makes a simulator with one three-replica Deployment "web" on a fake clock.
func newSim(t *testing.T, mutate func(*Options)) (*Sim, *clocktesting.FakeClock) {
	t.Helper()
	clk := clocktesting.NewFakeClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	opts := Options{Clock: clk, Interval: time.Second, Deployments: []Seed{{Namespace: ns, Name: "web", Replicas: 3,
		Containers: []Container{{Name: "app", Image: "reg.example/team/web:v1"}, {Name: "sidecar", Image: "reg.example/proxy:1"}}}}}
	if mutate != nil {
		mutate(&opts)
	}
	s, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, clk
}

func setImage(t *testing.T, s *Sim, image, cause string) *appsv1.Deployment {
	t.Helper()
	patch := `{"metadata":{"annotations":{"kubernetes.io/change-cause":"` + cause + `"}},` +
		`"spec":{"template":{"spec":{"containers":[{"name":"app","image":"` + image + `"}]}}}}`
	d, err := s.Clientset().AppsV1().Deployments(ns).Patch(context.Background(), "web", types.StrategicMergePatchType,
		[]byte(patch), metav1.PatchOptions{FieldManager: "dingops"})
	require.NoError(t, err)
	return d
}

func view(t *testing.T, s *Sim) DeploymentView {
	t.Helper()
	v, ok := s.Deployment(ns, "web")
	require.True(t, ok)
	return v
}

func progressing(v DeploymentView) Condition {
	for _, c := range v.Conditions {
		if c.Type == "Progressing" {
			return c
		}
	}
	return Condition{}
}

func TestSeedStartsRolledOut(t *testing.T) {
	s, _ := newSim(t, nil)
	v := view(t, s)
	assert.Equal(t, `deployment "web" successfully rolled out`, v.Rollout)
	assert.Equal(t, int64(1), v.Generation)
	assert.Equal(t, int64(1), v.ObservedGeneration)
	assert.Equal(t, "3 ready", v.Pods)
	assert.Equal(t, "1", v.Annotations[RevisionAnnotation])
	assert.Equal(t, ReasonNewRSAvailable, progressing(v).Reason)
	require.Len(t, v.History, 1)
	assert.True(t, v.History[0].Current)
	assert.Empty(t, s.Clientset().Actions(), "seeding leaves no actions behind")
}

func TestRollingUpdateStepByStep(t *testing.T) {
	s, _ := newSim(t, nil)
	d := setImage(t, s, "reg.example/team/web:v2", "dingops #2")
	assert.Equal(t, []Request{{Verb: "patch", Resource: "deployments", Namespace: ns, Name: "web",
		PatchType: "application/strategic-merge-patch+json", FieldManager: "dingops"}}, s.Requests())
	assert.Equal(t, int64(2), d.Generation, "a spec change bumps generation in the patch response")
	assert.Equal(t, int64(1), d.Status.ObservedGeneration, "the controller has not seen it yet")
	assert.Equal(t, "Waiting for deployment spec update to be observed...", view(t, s).Rollout)

	type counts struct{ updated, replicas, available int32 }
	var seen []counts
	var texts []string
	for range 10 {
		s.Step()
		v := view(t, s)
		seen = append(seen, counts{v.Updated, v.Replicas, v.Available})
		texts = append(texts, v.Rollout)
	}
	assert.Equal(t, []counts{{1, 4, 3}, {2, 4, 3}, {3, 4, 3}, {3, 3, 3}}, seen[:4], "one replica per step, surge one")
	assert.Contains(t, texts[0], "1 out of 3 new replicas have been updated")
	assert.Equal(t, `deployment "web" successfully rolled out`, texts[3])

	v := view(t, s)
	assert.Equal(t, "2", v.Annotations[RevisionAnnotation])
	assert.Equal(t, []Container{{"app", "reg.example/team/web:v2"}, {"sidecar", "reg.example/proxy:1"}}, v.Containers,
		"the strategic-merge patch leaves the other container alone")
	require.Len(t, v.History, 2)
	assert.Equal(t, int64(2), v.History[0].Revision)
	assert.Equal(t, "dingops #2", v.History[0].ChangeCause, "change-cause copied to the new ReplicaSet")
	assert.Equal(t, int32(3), v.History[0].Replicas)
	assert.Equal(t, int32(0), v.History[1].Replicas)
	assert.False(t, s.Step(), "a finished rollout is stable")
}

func TestAnnotationOnlyPatchKeepsGeneration(t *testing.T) {
	s, _ := newSim(t, nil)
	d, err := s.Clientset().AppsV1().Deployments(ns).Patch(context.Background(), "web", types.MergePatchType,
		[]byte(`{"metadata":{"annotations":{"note":"x"}}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), d.Generation)
	assert.Equal(t, int32(3), d.Status.AvailableReplicas, "status survives a spec write")
}

func TestNeverReadyReachesProgressDeadline(t *testing.T) {
	s, clk := newSim(t, func(o *Options) { o.NeverReady = []string{"reg.example/team/web:bad"} })
	setImage(t, s, "reg.example/team/web:bad", "bad")
	for range 5 {
		s.Step()
		clk.Step(time.Second)
	}
	v := view(t, s)
	assert.Equal(t, int32(1), v.Updated, "the surge pod never becomes ready, so nothing more rolls")
	assert.Equal(t, int32(3), v.Available, "old pods keep serving")
	assert.Equal(t, "1 running, not ready (reg.example/team/web:bad), 3 ready", v.Pods)
	assert.Equal(t, ReasonNewRSCreated, progressing(v).Reason, "no progress since the ReplicaSet was created")

	clk.Step(600 * time.Second)
	s.Step()
	v = view(t, s)
	c := progressing(v)
	assert.Equal(t, ReasonTimedOut, c.Reason)
	assert.Equal(t, "False", c.Status)
	assert.Contains(t, c.Message, "has timed out progressing.")
	assert.Equal(t, `error: deployment "web" exceeded its progress deadline`, v.Rollout)
}

func TestUnknownImageIsImagePullBackOff(t *testing.T) {
	reg, err := NewRegistry(RegistryOptions{Images: []string{"reg.example/team/web:v1", "reg.example/proxy:1"}})
	require.NoError(t, err)
	s, clk := newSim(t, func(o *Options) { o.Registry = reg; o.DeadlineScale = 0.01 })
	setImage(t, s, "reg.example/team/web:v9", "missing")
	s.Step()
	clk.Step(7 * time.Second) // 600 s × 0.01 = 6 s
	s.Step()
	v := view(t, s)
	assert.Equal(t, "1 ImagePullBackOff (reg.example/team/web:v9), 3 ready", v.Pods)
	assert.Equal(t, ReasonTimedOut, progressing(v).Reason)

	_, err = reg.Push("reg.example/team/web:v9")
	require.NoError(t, err)
	for range 6 {
		s.Step()
	}
	v = view(t, s)
	assert.Equal(t, `deployment "web" successfully rolled out`, v.Rollout, "pushing the image lets the rollout finish")
}

func TestNoDeadlineNeverTimesOut(t *testing.T) {
	s, clk := newSim(t, func(o *Options) {
		o.NeverReady = []string{"reg.example/team/web:bad"}
		o.Deployments[0].ProgressDeadlineSeconds = math.MaxInt32
	})
	setImage(t, s, "reg.example/team/web:bad", "bad")
	s.Step()
	clk.Step(1000 * time.Hour)
	s.Step()
	assert.Equal(t, ReasonNewRSCreated, progressing(view(t, s)).Reason)
}

func TestRollbackReusesReplicaSet(t *testing.T) {
	s, _ := newSim(t, nil)
	setImage(t, s, "reg.example/team/web:v2", "to v2")
	s.settle()
	setImage(t, s, "reg.example/team/web:v1", "back to v1")
	s.settle()
	v := view(t, s)
	require.Len(t, v.History, 2, "the old ReplicaSet is reused, not duplicated")
	assert.Equal(t, int64(3), v.History[0].Revision, "revisions 1,2 become 2,3")
	assert.Equal(t, int64(2), v.History[1].Revision)
	assert.Equal(t, "back to v1", v.History[0].ChangeCause)
	assert.Equal(t, "3", v.Annotations[RevisionAnnotation])
	assert.True(t, v.History[0].Current)
}

func TestRevisionHistoryLimit(t *testing.T) {
	s, _ := newSim(t, nil)
	_, err := s.Clientset().AppsV1().Deployments(ns).Patch(context.Background(), "web", types.MergePatchType,
		[]byte(`{"spec":{"revisionHistoryLimit":1}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	for _, tag := range []string{"v2", "v3", "v4"} {
		setImage(t, s, "reg.example/team/web:"+tag, tag)
		s.settle()
	}
	v := view(t, s)
	require.Len(t, v.History, 2, "current plus one old revision")
	assert.Equal(t, []int64{4, 3}, []int64{v.History[0].Revision, v.History[1].Revision})
}

func TestPausedDeploymentDoesNotRoll(t *testing.T) {
	s, _ := newSim(t, nil)
	_, err := s.Clientset().AppsV1().Deployments(ns).Patch(context.Background(), "web", types.MergePatchType,
		[]byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	setImage(t, s, "reg.example/team/web:v2", "paused")
	s.Step()
	v := view(t, s)
	assert.Equal(t, ReasonPaused, progressing(v).Reason)
	assert.Equal(t, int32(0), v.Updated)
	assert.Len(t, v.History, 1, "no new ReplicaSet while paused")
}

func TestPausedSeedIsRolledOutFirst(t *testing.T) {
	s, _ := newSim(t, func(o *Options) { o.Deployments[0].Paused = true })
	v := view(t, s)
	assert.True(t, v.Paused)
	assert.Equal(t, int32(3), v.Available)
	assert.Equal(t, ReasonPaused, progressing(v).Reason)
	assert.Len(t, v.History, 1)
	assert.False(t, s.Step(), "a paused Deployment is stable")
}

func TestLoopRunsOnTheInjectedClock(t *testing.T) {
	s, clk := newSim(t, nil)
	require.NoError(t, s.Start(context.Background()))
	require.Error(t, s.Start(context.Background()), "a second Start is refused")
	setImage(t, s, "reg.example/team/web:v2", "loop")
	require.Eventually(t, func() bool {
		clk.Step(time.Second)
		return view(t, s).Rollout == `deployment "web" successfully rolled out`
	}, 5*time.Second, time.Millisecond)
	done := make(chan struct{})
	go func() { // inspection while the loop runs, for the race detector
		defer close(done)
		for range 20 {
			_ = s.Deployments()
			_ = s.Images()
		}
	}()
	<-done
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice is harmless")
	assert.Equal(t, []string{"reg.example/proxy:1", "reg.example/team/web:v2"}, s.Images())
}
