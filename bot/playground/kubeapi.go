package playground

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	k8s "k8s.io/client-go/kubernetes"

	"github.com/dingops/dingops/adapters/container/kubesim"
)

// kubeAPI serves the two calls the kubernetes target makes — GET and PATCH
// of a Deployment — over HTTP, answered by kubesim's clientset. The
// assembled dingops reaches it through an ordinary kubeconfig file, so the
// real client-go REST path is what runs, exactly as against a cluster.
type kubeAPI struct {
	ln  net.Listener
	srv *http.Server
	log *slog.Logger

	mu  sync.Mutex
	sim *kubesim.Sim // nil until the cluster is seeded: 503 before
}

// startKubeAPI listens on 127.0.0.1 and serves in the background.
func startKubeAPI(log *slog.Logger) (*kubeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the Kubernetes API: %w", err)
	}
	k := &kubeAPI{ln: ln, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /apis/apps/v1/namespaces/{ns}/deployments/{name}", k.get)
	mux.HandleFunc("PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}", k.patch)
	mux.HandleFunc("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews", k.access) // doctor.go
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		k.status(w, apierrors.NewNotFound(schema.GroupResource{Resource: r.URL.Path}, ""))
	})
	k.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = k.srv.Serve(ln) }()
	return k, nil
}

// URL is the API server's address for a kubeconfig.
func (k *kubeAPI) URL() string { return "http://" + k.ln.Addr().String() }

// setSim points the API at the seeded cluster.
func (k *kubeAPI) setSim(s *kubesim.Sim) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sim = s
}

func (k *kubeAPI) clientset(w http.ResponseWriter) k8s.Interface {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.sim == nil {
		k.status(w, apierrors.NewServiceUnavailable("the simulated cluster is starting"))
		return nil
	}
	return k.sim.Clientset()
}

func (k *kubeAPI) get(w http.ResponseWriter, r *http.Request) {
	cs := k.clientset(w)
	if cs == nil {
		return
	}
	d, err := cs.AppsV1().Deployments(r.PathValue("ns")).Get(r.Context(), r.PathValue("name"), metav1.GetOptions{})
	k.answer(w, d, err)
}

func (k *kubeAPI) patch(w http.ResponseWriter, r *http.Request) {
	cs := k.clientset(w)
	if cs == nil {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		k.status(w, apierrors.NewBadRequest("reading the patch: "+err.Error()))
		return
	}
	pt := types.PatchType(r.Header.Get("Content-Type"))
	opts := metav1.PatchOptions{FieldManager: r.URL.Query().Get("fieldManager")}
	d, err := cs.AppsV1().Deployments(r.PathValue("ns")).Patch(r.Context(), r.PathValue("name"), pt, body, opts)
	k.answer(w, d, err)
}

// answer writes a Deployment as the API server does (with its type), or
// the error as a Status object, which client-go turns back into the same
// apierrors value.
func (k *kubeAPI) answer(w http.ResponseWriter, d *appsv1.Deployment, err error) {
	if err != nil {
		k.status(w, err)
		return
	}
	d.APIVersion, d.Kind = "apps/v1", "Deployment"
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(d)
}

func (k *kubeAPI) status(w http.ResponseWriter, err error) {
	var st apierrors.APIStatus
	if !errors.As(err, &st) {
		st = apierrors.NewInternalError(err)
	}
	s := st.Status()
	s.Kind, s.APIVersion = "Status", "v1"
	if s.Code == 0 {
		s.Code = http.StatusInternalServerError
	}
	k.log.Debug("kubernetes API error", "code", s.Code, "reason", s.Reason, "message", s.Message)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(int(s.Code))
	_ = json.NewEncoder(w).Encode(s)
}

// Close stops the API server.
func (k *kubeAPI) Close() { _ = k.srv.Close() }

// writeKubeconfig writes a kubeconfig pointing at the API into dir.
func (k *kubeAPI) writeKubeconfig(dir string) (string, error) {
	path := filepath.Join(dir, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kubesim
  cluster: {server: %q}
users:
- name: dingops
  user: {token: playground}
contexts:
- name: kubesim
  context: {cluster: kubesim, user: dingops, namespace: shop}
current-context: kubesim
`, k.URL())
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return "", fmt.Errorf("writing the kubeconfig: %w", err)
	}
	return path, nil
}
