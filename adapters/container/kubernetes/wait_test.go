package kubernetes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func deployment(gen, observed int64, replicas *int32, updated, total, available int32, reason string) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Generation: gen},
		Spec: appsv1.DeploymentSpec{Replicas: replicas},
		Status: appsv1.DeploymentStatus{ObservedGeneration: observed, UpdatedReplicas: updated, Replicas: total,
			AvailableReplicas: available}}
	if reason != "" {
		d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing,
			Status: corev1.ConditionFalse, Reason: reason, Message: `ReplicaSet "web-abc" has timed out progressing.`}}
	}
	return d
}

func three() *int32 { n := int32(3); return &n }

// TestRolloutStatus covers every branch of kubectl's DeploymentStatusViewer
// plus the generation our patch created.
func TestRolloutStatus(t *testing.T) {
	tests := []struct {
		name    string
		d       *appsv1.Deployment
		minGen  int64
		line    string
		done    bool
		failure string
	}{
		{name: "spec not observed", d: deployment(3, 2, three(), 3, 3, 3, ""),
			line: `Waiting for deployment "web" spec update to be observed...`},
		{name: "our generation not observed yet", d: deployment(2, 2, three(), 3, 3, 3, ""), minGen: 3,
			line: `Waiting for deployment "web" spec update to be observed...`},
		{name: "deadline of an older generation is not ours", d: deployment(3, 2, three(), 1, 4, 3, reasonTimedOut),
			line: `Waiting for deployment "web" spec update to be observed...`},
		{name: "progress deadline exceeded", d: deployment(3, 3, three(), 1, 4, 3, reasonTimedOut), minGen: 3,
			failure: `deployment "web" exceeded its progress deadline (ReplicaSet "web-abc" has timed out progressing.)`},
		{name: "other progressing reasons wait", d: deployment(3, 3, three(), 1, 4, 3, "ReplicaSetUpdated"),
			line: `Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`},
		{name: "old replicas pending termination", d: deployment(3, 3, three(), 3, 4, 3, ""),
			line: `Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...`},
		{name: "updated replicas not available", d: deployment(3, 3, three(), 3, 3, 2, ""),
			line: `Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...`},
		{name: "done", d: deployment(3, 3, three(), 3, 3, 3, ""), minGen: 3,
			line: `deployment "web" successfully rolled out`, done: true},
		{name: "observed beyond ours is fine", d: deployment(5, 5, three(), 3, 3, 3, ""), minGen: 3,
			line: `deployment "web" successfully rolled out`, done: true},
		{name: "no replicas field skips the updated check", d: deployment(1, 1, nil, 0, 0, 0, ""),
			line: `deployment "web" successfully rolled out`, done: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, done, err := rolloutStatus(tt.d, tt.minGen)
			if tt.failure != "" {
				require.EqualError(t, err, tt.failure)
				assert.False(t, done)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.line, line)
			assert.Equal(t, tt.done, done)
		})
	}
}
