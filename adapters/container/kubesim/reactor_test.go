package kubesim

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func TestWritesBehaveLikeTheAPIServer(t *testing.T) {
	s, _ := newSim(t, nil)
	api := s.Clientset().AppsV1().Deployments(ns)
	ctx := context.Background()

	d, err := api.Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	d.Status.ObservedGeneration = 99
	d.Spec.Template.Spec.Containers[0].Image = "ignored:by-status-write"
	d, err = api.UpdateStatus(ctx, d, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, "reg.example/team/web:v1", d.Spec.Template.Spec.Containers[0].Image, "status writes leave spec")
	assert.Equal(t, int64(1), d.Generation)

	d.Spec.Replicas = ptr(int32(5))
	d, err = api.Update(ctx, d, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), d.Generation)

	d, err = api.Patch(ctx, "web", types.JSONPatchType,
		[]byte(`[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"reg.example/team/web:v3"}]`),
		metav1.PatchOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(3), d.Generation)

	_, err = api.Patch(ctx, "web", types.JSONPatchType,
		[]byte(`[{"op":"remove","path":"/spec/template/spec/containers"}]`), metav1.PatchOptions{})
	require.Error(t, err)
	assert.True(t, apierrors.IsInvalid(err), "%v", err)

	_, err = api.Patch(ctx, "nope", types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{})
	assert.True(t, apierrors.IsNotFound(err), "%v", err)
}

func TestFailNextWrite(t *testing.T) {
	s, _ := newSim(t, nil)
	s.FailNextWrite(apierrors.NewInternalError(errors.New("injected")))
	_, err := s.Clientset().AppsV1().Deployments(ns).Patch(context.Background(), "web", types.StrategicMergePatchType,
		[]byte(`{"spec":{"replicas":1}}`), metav1.PatchOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "injected")
	assert.Equal(t, int32(3), view(t, s).Desired, "a failed write stores nothing")
	setImage(t, s, "reg.example/team/web:v2", "next write works")
}

func TestDeletedDeploymentLosesReplicaSets(t *testing.T) {
	s, _ := newSim(t, nil)
	require.NoError(t, s.Clientset().AppsV1().Deployments(ns).Delete(context.Background(), "web", metav1.DeleteOptions{}))
	s.Step()
	rss, err := s.Clientset().AppsV1().ReplicaSets(ns).List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, rss.Items)
	assert.Empty(t, s.Deployments())
}

func TestCreateValidatesAndDefaults(t *testing.T) {
	s, _ := newSim(t, nil)
	_, err := New(Options{Deployments: []Seed{{Namespace: ns, Name: "empty"}}})
	require.Error(t, err, "a Deployment without containers is invalid")

	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "api"}}
	_, err = s.Clientset().AppsV1().Deployments(ns).Create(context.Background(), d, metav1.CreateOptions{})
	assert.True(t, apierrors.IsInvalid(err), "%v", err)
}
