package playground

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dingops/dingops/adapters/argocd/argocdemu"
	"github.com/dingops/dingops/adapters/container/kubernetes"
	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/core"
)

// The playground's Argo CD-managed app: the Application "catalog" of
// project shop renders the Deployment shop/catalog from a kustomize source
// with auto-sync and self-heal on, and dingops's app catalog (target kind
// argocd) rolls back by setting the Application's kustomize image and
// asking Argo CD to sync. Its token may do anything to shop's apps.
const (
	argoApp       = "catalog"
	argoProject   = "shop"
	argoAccount   = "proj:shop:dingops"
	catalogRepo   = "registry.playground.local/shop/catalog"
	envArgoCDTok  = "DINGOPS_PLAYGROUND_ARGOCD_TOKEN"
	catalogSource = "https://git.playground.local/shop/deploy.git"
)

// catalogArtifact is catalog's image built from commit, pushed, by digest.
func (e *emulators) catalogArtifact(commit string) (core.Artifact, error) {
	d, err := e.reg.Push(catalogRepo + ":" + short(commit))
	if err != nil {
		return core.Artifact{}, err
	}
	return core.Artifact{Kind: core.TargetContainer, Ref: catalogRepo + "@" + d, Digest: d,
		Display: argoApp + ":" + short(commit)}, nil
}

// catalogSeed is the cluster's catalog Deployment running image, marked as
// Argo CD marks what it applies (the tracking-id annotation).
func catalogSeed(image string) kubesim.Seed {
	return kubesim.Seed{Namespace: namespace, Name: argoApp, Replicas: 2,
		Annotations: map[string]string{kubernetes.ArgoCDTrackingAnnotation: argoApp + ":apps/Deployment:" + namespace + "/" + argoApp},
		Containers:  []kubesim.Container{{Name: argoApp, Image: image}}}
}

// argoFront is Argo CD's address from the start: the configuration names
// it before the cluster (and so the emulator, which syncs onto it) exists.
// It forwards to the emulator once there is one, and answers 503 before.
type argoFront struct {
	ln  net.Listener
	srv *http.Server

	mu    sync.Mutex
	emu   *argocdemu.Emulator
	proxy *httputil.ReverseProxy
}

func startArgoFront() (*argoFront, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the Argo CD listener: %w", err)
	}
	f := &argoFront{ln: ln}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// URL is the Argo CD server URL the configuration names.
func (f *argoFront) URL() string { return "http://" + f.ln.Addr().String() }

func (f *argoFront) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	p := f.proxy
	f.mu.Unlock()
	if p == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"Argo CD is starting","code":14,"message":"Argo CD is starting"}`))
		return
	}
	p.ServeHTTP(w, r)
}

// startArgoCD starts the Argo CD emulator over sim with the catalog
// Application holding image, and points the front at it.
func (e *emulators) startArgoCD(ctx context.Context, sim *kubesim.Sim, image string) error {
	a, err := argocdemu.New(argocdemu.Options{Sim: sim, Interval: 250 * time.Millisecond, Logger: e.log.With("emulator", "argocd")})
	if err != nil {
		return err
	}
	if err := a.AddApp(argocdemu.AppSeed{Name: argoApp, Project: argoProject, Dest: namespace, Deployment: argoApp,
		Container: argoApp, Image: image, AutoSync: true, SelfHeal: true,
		Sources: []argocdemu.Source{{RepoURL: catalogSource, Path: "catalog/overlays/prod", TargetRevision: "main",
			Kustomize: &argocdemu.Kustomize{}}}}); err != nil {
		return err
	}
	a.AddToken(e.secrets[envArgoCDTok], argoAccount, argocdemu.Grant{Action: "*", Object: argoProject + "/*"})
	if err := a.Start(ctx, ""); err != nil {
		return err
	}
	u, err := url.Parse(a.URL())
	if err != nil {
		_ = a.Close()
		return err
	}
	e.argo.mu.Lock()
	e.argo.emu, e.argo.proxy = a, httputil.NewSingleHostReverseProxy(u)
	e.argo.mu.Unlock()
	return nil
}

// Close stops the emulator and the front.
func (f *argoFront) Close() error {
	f.mu.Lock()
	a := f.emu
	f.mu.Unlock()
	_ = f.srv.Close()
	if a != nil {
		return a.Close()
	}
	return nil
}

// ArgoState is the catalog Application as Argo CD reports it, and its
// Deployment in the cluster.
type ArgoState struct {
	Running     bool   `json:"running"`
	Application string `json:"application"`
	Sync        string `json:"sync,omitempty"`
	Health      string `json:"health,omitempty"`
	Override    string `json:"override,omitempty"` // spec.source.kustomize.images
	Operation   string `json:"operation,omitempty"`
	Image       string `json:"image,omitempty"` // what the Deployment runs
	Rollout     string `json:"rollout,omitempty"`
	Done        bool   `json:"done"`
}

// argoState reads the Application and its Deployment.
func (e *emulators) argoState() ArgoState {
	st := ArgoState{Application: argoProject + "/" + argoApp}
	e.argo.mu.Lock()
	a := e.argo.emu
	e.argo.mu.Unlock()
	if a == nil || e.sim == nil {
		return st
	}
	app, ok := a.App(argocdemu.DefaultNamespace, argoApp)
	if !ok {
		return st
	}
	st.Running, st.Sync, st.Health = true, app.Status.Sync.Status, app.Status.Health.Status
	if s := app.Spec.Source; s != nil && s.Kustomize != nil {
		st.Override = strings.Join(s.Kustomize.Images, ", ")
	}
	if op := app.Status.OperationState; op != nil {
		st.Operation = op.Phase
	}
	if d, ok := e.sim.Deployment(namespace, argoApp); ok && len(d.Containers) > 0 {
		st.Image, st.Rollout = d.Containers[0].Image, d.Rollout
		st.Done = strings.Contains(d.Rollout, "successfully rolled out")
	}
	return st
}
