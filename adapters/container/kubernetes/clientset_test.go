package kubernetes

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/dingops/dingops/core"
)

// apiServer answers GET and PATCH for one Deployment the way the API server
// does on the wire, and records what it received.
type apiServer struct {
	mu      sync.Mutex
	dep     appsv1.Deployment
	patches []string
	ctypes  []string
	agents  []string
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agents = append(s.agents, r.UserAgent())
	if r.URL.Path != "/apis/apps/v1/namespaces/prod/deployments/web" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`))
		return
	}
	if r.Method == http.MethodPatch {
		var body bytes.Buffer
		_, _ = body.ReadFrom(r.Body)
		s.patches = append(s.patches, body.String()+" fieldManager="+r.URL.Query().Get("fieldManager"))
		s.ctypes = append(s.ctypes, r.Header.Get("Content-Type"))
		s.dep.Spec.Template.Spec.Containers[0].Image = "reg.example/team/web:v2"
		s.dep.Generation++
		s.dep.Status.ObservedGeneration = s.dep.Generation // an instant controller
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&s.dep)
}

func writeKubeconfig(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "` + server + `"}}]
users: [{name: u, user: {token: secret-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// TestRealClientsetOnTheWire runs the deployer through NewClientset and
// the real REST client against an HTTP server.
func TestRealClientsetOnTheWire(t *testing.T) {
	one := int32(1)
	api := &apiServer{dep: appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{Kind: "Deployment", APIVersion: "apps/v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod", Generation: 1},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "reg.example/team/web:v1"}}}}},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1},
	}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	cs, err := NewClientset(writeKubeconfig(t, srv.URL))
	require.NoError(t, err)
	d, err := New(Config{Namespace: "prod", Workloads: []Workload{{"web", "app"}}}, cs)
	require.NoError(t, err)

	live, err := d.Live(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "reg.example/team/web:v1", live.Ref)
	a := core.Artifact{Kind: core.TargetContainer, Ref: "reg.example/team/web:v2"}
	require.NoError(t, d.Deploy(context.Background(), request(a, 7)))

	api.mu.Lock()
	defer api.mu.Unlock()
	require.Len(t, api.patches, 1)
	assert.Equal(t, "application/strategic-merge-patch+json", api.ctypes[0])
	assert.True(t, strings.HasSuffix(api.patches[0], " fieldManager=dingops"))
	assert.Contains(t, api.patches[0], `"kubernetes.io/change-cause":"dingops #7 web v7 by 0123 (release reg.example/team/web:v2)"`)
	assert.Equal(t, "dingops", api.agents[0])
}

func TestNewClientsetInClusterOutsideACluster(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_SERVICE_PORT", "")
	_, err := NewClientset("")
	require.ErrorIs(t, err, rest.ErrNotInCluster)
	_, err = NewClientset(filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)
}

// TestTargetRBAC decodes configs/kubernetes/target-rbac.yaml with
// client-go's scheme and checks it grants every verb the deployer uses on
// Deployments, and nothing else.
func TestTargetRBAC(t *testing.T) {
	raw, err := os.ReadFile("../../../configs/kubernetes/target-rbac.yaml")
	require.NoError(t, err)
	var objs []runtime.Object
	for _, doc := range strings.Split(string(raw), "\n---\n") {
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode([]byte(doc), nil, nil)
		require.NoError(t, err)
		objs = append(objs, obj)
	}
	require.Len(t, objs, 2)
	role, ok := objs[0].(*rbacv1.Role)
	require.True(t, ok, "%T", objs[0])
	binding, ok := objs[1].(*rbacv1.RoleBinding)
	require.True(t, ok, "%T", objs[1])
	require.Len(t, role.Rules, 2, "deployments; replicasets only for confirm:")
	assert.Equal(t, []string{"replicasets"}, role.Rules[1].Resources)
	assert.Equal(t, []string{"list"}, role.Rules[1].Verbs, "what ConfirmVisible reads")
	rule := role.Rules[0]
	assert.Equal(t, []string{"apps"}, rule.APIGroups)
	assert.Equal(t, []string{"deployments"}, rule.Resources)
	assert.Equal(t, role.Name, binding.RoleRef.Name)
	assert.Equal(t, "Role", binding.RoleRef.Kind)
	assert.Equal(t, role.Namespace, binding.Namespace)
	require.Len(t, binding.Subjects, 1)
	assert.Equal(t, "ServiceAccount", binding.Subjects[0].Kind)
	assert.Equal(t, "dingops", binding.Subjects[0].Name)

	used := verbsUsed(t)
	assert.ElementsMatch(t, used, rule.Verbs, "the Role grants exactly what the deployer does")
}

// verbsUsed runs a check, a deploy, a failed and reverted deploy and Live,
// and collects the verbs sent.
func verbsUsed(t *testing.T) []string {
	c := newCluster(t, clusterOpts{})
	ctx := context.Background()
	good, bad := c.artifact(t, "v1"), c.artifact(t, "v2")
	c.breakImage(t, bad.Ref, false)
	c.sim.Clientset().ClearActions()
	require.NoError(t, c.dep.Check(ctx, good))
	require.NoError(t, c.dep.Deploy(ctx, request(good, 1)))
	require.Error(t, c.dep.Deploy(ctx, request(bad, 2)))
	_, err := c.dep.Live(ctx)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, a := range c.sim.Clientset().Actions() {
		assert.Equal(t, "deployments", a.GetResource().Resource)
		assert.Empty(t, a.GetSubresource())
		seen[a.GetVerb()] = true
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	return out
}
