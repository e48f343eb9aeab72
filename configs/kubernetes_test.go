package configs_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/dingops/dingops/configs"
)

// manifests decodes every document of every file in configs/kubernetes with
// client-go's scheme, strictly: an unknown kind, an unknown or duplicated
// field fails.
func manifests(t *testing.T) map[string][]runtime.Object {
	files, err := filepath.Glob("kubernetes/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	decode := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	out := map[string][]runtime.Object{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for i := 0; ; i++ {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, f)
			if !hasContent(doc) {
				continue
			}
			obj, _, err := decode.Decode(doc, nil, nil)
			require.NoError(t, err, "%s document %d", f, i)
			out[filepath.Base(f)] = append(out[filepath.Base(f)], obj)
		}
	}
	return out
}

func hasContent(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") && t != "---" {
			return true
		}
	}
	return false
}

func only[T runtime.Object](t *testing.T, objs []runtime.Object) T {
	t.Helper()
	var found []T
	for _, o := range objs {
		if x, ok := o.(T); ok {
			found = append(found, x)
		}
	}
	require.Len(t, found, 1, "%T", *new(T))
	return found[0]
}

func TestEveryManifestDecodes(t *testing.T) {
	all := manifests(t)
	assert.Contains(t, all, "dingops.yaml")
	assert.Contains(t, all, "target-rbac.yaml")
	for _, o := range all["dingops.yaml"] {
		switch o.(type) {
		case *rbacv1.Role, *rbacv1.RoleBinding, *rbacv1.ClusterRole, *rbacv1.ClusterRoleBinding:
			t.Errorf("dingops.yaml repeats RBAC (%T): target-rbac.yaml holds it", o)
		}
	}
}

func TestTheDingopsDeployment(t *testing.T) {
	all := manifests(t)
	objs := all["dingops.yaml"]
	d := only[*appsv1.Deployment](t, objs)
	require.NotNil(t, d.Spec.Replicas)
	assert.EqualValues(t, 2, *d.Spec.Replicas)
	pod := d.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	cfg := deployedConfig(t, objs, c)

	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	assert.Equal(t, port(t, cfg.Server.OpsAddr), ports["ops"], "the ops port is server.ops_addr's")
	assert.Equal(t, port(t, cfg.Server.WebAddr), ports["web"], "the web port is server.web_addr's")
	probes := map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe}
	paths := map[string]string{"liveness": "/healthz", "readiness": "/readyz", "startup": "/healthz"}
	for name, p := range probes {
		require.NotNil(t, p, name)
		require.NotNil(t, p.HTTPGet, name)
		assert.Equal(t, paths[name], p.HTTPGet.Path, name)
		assert.Contains(t, []intstr.IntOrString{intstr.FromString("ops"), intstr.FromInt32(ports["ops"])}, p.HTTPGet.Port,
			"the %s probe asks the ops port", name)
	}

	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := c.Resources.Requests[r], c.Resources.Limits[r]
		assert.False(t, req.IsZero(), "request %s", r)
		assert.False(t, lim.IsZero(), "limit %s", r)
	}
	require.NotNil(t, pod.SecurityContext)
	assert.True(t, *pod.SecurityContext.RunAsNonRoot)
	assert.NotZero(t, *pod.SecurityContext.RunAsUser)
	require.NotNil(t, c.SecurityContext)
	assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
	assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
	assert.Contains(t, c.SecurityContext.Capabilities.Drop, corev1.Capability("ALL"))
	require.NotNil(t, pod.TerminationGracePeriodSeconds)
	assert.Greater(t, time.Duration(*pod.TerminationGracePeriodSeconds)*time.Second, cfg.Worker.DrainTimeout.Std(),
		"Kubernetes waits longer than the drain")

	sa := only[*corev1.ServiceAccount](t, objs)
	assert.Equal(t, sa.Name, pod.ServiceAccountName)
	rb := only[*rbacv1.RoleBinding](t, all["target-rbac.yaml"])
	require.Len(t, rb.Subjects, 1)
	assert.Equal(t, rbacv1.Subject{Kind: "ServiceAccount", Name: sa.Name, Namespace: sa.Namespace}, rb.Subjects[0],
		"target-rbac.yaml binds the deployer Role to this ServiceAccount")
	assert.Equal(t, d.Namespace, sa.Namespace)
}

// deployedConfig validates the ConfigMap's configuration with the variables
// the container sets, and checks every secret comes from a Secret.
func deployedConfig(t *testing.T, objs []runtime.Object, c corev1.Container) *configs.Config {
	cm := only[*corev1.ConfigMap](t, objs)
	require.Len(t, c.Args, 3)
	require.Equal(t, []string{"serve", "--config"}, c.Args[:2])
	dir, file := filepath.Split(c.Args[2])
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || (filepath.Clean(m.MountPath) == filepath.Clean(dir) && m.ReadOnly)
	}
	assert.True(t, mounted, "the configuration directory is mounted read-only")
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = "set"
		if strings.HasPrefix(e.Name, "DINGOPS_") {
			require.NotNil(t, e.ValueFrom, e.Name)
			require.NotNil(t, e.ValueFrom.SecretKeyRef, "%s comes from a Secret", e.Name)
		}
	}
	env["DINGOPS_DSN"] = "postgres://dingops:pw@postgres.db:5432/dingops"
	cfg, probs, err := configs.Parse([]byte(cm.Data[file]), "ConfigMap "+cm.Name, func(k string) string { return env[k] })
	require.NoError(t, err, "%v", probs)
	assert.Empty(t, probs.Warnings, "every variable the configuration names is set")
	assert.True(t, strings.HasPrefix(cfg.Store.DSN, "postgres://"), "two replicas need PostgreSQL")
	return cfg
}

func port(t *testing.T, addr string) int32 {
	_, p, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	n, err := strconv.Atoi(p)
	require.NoError(t, err)
	return int32(n)
}

func TestTheServiceAndDisruptionBudgetSelectThePods(t *testing.T) {
	objs := manifests(t)["dingops.yaml"]
	d := only[*appsv1.Deployment](t, objs)
	labels := d.Spec.Template.Labels
	named := map[string]bool{}
	for _, p := range d.Spec.Template.Spec.Containers[0].Ports {
		named[p.Name] = true
	}
	svc := only[*corev1.Service](t, objs)
	for k, v := range svc.Spec.Selector {
		assert.Equal(t, v, labels[k], "service selector %s", k)
	}
	for _, p := range svc.Spec.Ports {
		assert.True(t, named[p.TargetPort.StrVal], "service port %s targets a named container port", p.Name)
	}
	pdb := only[*policyv1.PodDisruptionBudget](t, objs)
	for k, v := range pdb.Spec.Selector.MatchLabels {
		assert.Equal(t, v, labels[k], "budget selector %s", k)
	}
	require.NotNil(t, pdb.Spec.MinAvailable)
	assert.Less(t, pdb.Spec.MinAvailable.IntValue(), int(*d.Spec.Replicas), "a node can still be drained")
}
