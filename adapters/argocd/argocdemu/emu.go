// Package argocdemu emulates the parts of Argo CD's API server and
// application controller that the argocd deployer uses, over the project's
// Kubernetes simulator: applications with kustomize images or Helm
// parameters in one or several sources, PATCH and PUT of the spec, sync
// operations the controller runs by applying the rendered image to a
// kubesim Deployment, health as gitops-engine judges a Deployment,
// auto-sync and self-heal, and the API's answers and errors: grpc-gateway
// bodies {"error","code","message"}, 401 without a valid token, 403
// "permission denied" as getAppEnforceRBAC gives it, 404 for a missing app
// in a named project, 400 "another operation is already in progress".
package argocdemu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dingops/dingops/adapters/container/kubesim"
	"github.com/dingops/dingops/adapters/emu"
)

// DefaultNamespace is Argo CD's own namespace, where Applications live
// unless they name another.
const DefaultNamespace = "argocd"

// Options configure an Emulator.
type Options struct {
	// Sim is the cluster the controller applies to (required).
	Sim *kubesim.Sim
	// Interval is the time between controller steps (default 200ms).
	Interval time.Duration
	// Namespace is Argo CD's namespace (default "argocd").
	Namespace string
	Logger    *slog.Logger
}

// AppSeed describes an Application and the one Deployment container its
// manifests render the image of.
type AppSeed struct {
	Name, Project string
	Namespace     string // the Application's namespace (default Options.Namespace)
	// Dest, Deployment, Container name the rendered Deployment in Sim.
	Dest, Deployment, Container string
	// Image is the image the manifests in git hold.
	Image string
	// Sources are the sources; with Multi they are spec.sources, else the
	// first is spec.source.
	Sources []Source
	Multi   bool
	// ImageSource is the 1-based position of the source that renders the
	// image (default 1).
	ImageSource int
	// HelmTag, HelmRepository and HelmReference name the Helm parameters
	// the chart reads the image from (for a Helm image source).
	HelmTag, HelmRepository, HelmReference string
	AutoSync, SelfHeal                     bool
	SyncOptions                            []string
}

// Grant allows one action ("get", "update", "sync", or "*") on
// applications matching Object ("project/app", globs allowed: "shop/*").
type Grant struct {
	Action string
	Object string
}

// Request is one call the emulator answered, for tests and the playground log.
type Request struct {
	Method, Path string
	Status       int
}

type account struct {
	name   string
	grants []Grant
}

type app struct {
	seed  AppSeed
	obj   Application
	heal  int // self-heal syncs started, for the playground
	fault string
}

// Emulator is the Argo CD emulator. Safe for concurrent use.
type Emulator struct {
	opts Options
	ln   *emu.Listener
	log  *slog.Logger

	mu       sync.Mutex
	apps     map[string]*app // namespace/name
	tokens   map[string]account
	requests []Request
	hold     bool
	failNext string
	landNext map[string]int // route pattern → calls to carry out and leave unanswered
	version  int64
	stop     chan struct{}
	done     chan struct{}
}

// New builds an emulator that is not serving yet.
func New(opts Options) (*Emulator, error) {
	if opts.Sim == nil {
		return nil, errors.New("creating argo cd emulator: a kubesim.Sim is required")
	}
	if opts.Interval <= 0 {
		opts.Interval = 200 * time.Millisecond
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Emulator{opts: opts, ln: emu.NewListener(), log: opts.Logger, apps: map[string]*app{},
		tokens: map[string]account{}}, nil
}

// Start serves on addr ("" = 127.0.0.1:0) and runs the controller until
// Close or ctx ends.
func (e *Emulator) Start(ctx context.Context, addr string) error {
	if err := e.ln.Start(addr, http.HandlerFunc(e.serve), "argo cd emulator", e.log); err != nil {
		return fmt.Errorf("starting argo cd emulator: %w", err)
	}
	e.mu.Lock()
	e.stop, e.done = make(chan struct{}), make(chan struct{})
	stop, done := e.stop, e.done
	e.mu.Unlock()
	go func() {
		defer close(done)
		t := time.NewTicker(e.opts.Interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-stop:
				return
			case <-t.C:
				e.Step()
			}
		}
	}()
	return nil
}

// URL is the server's base URL.
func (e *Emulator) URL() string { return e.ln.URL() }

// Close stops serving and the controller.
func (e *Emulator) Close() error {
	e.mu.Lock()
	stop, done := e.stop, e.done
	e.stop = nil
	e.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	return e.ln.Close()
}

// AddToken accepts token as the bearer token of account, allowed grants.
func (e *Emulator) AddToken(token, accountName string, grants ...Grant) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens[token] = account{name: accountName, grants: grants}
}

// Requests lists the calls answered so far, oldest first.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Request(nil), e.requests...)
}

// FailNextSync makes the next sync operation fail with message, as a
// manifest that does not apply does.
func (e *Emulator) FailNextSync(message string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failNext = message
}

// LandNext makes the next n calls of one route (its pattern as the mux
// has it, e.g. "PATCH /api/v1/applications/{name}" or
// "POST /api/v1/applications/{name}/sync") be carried out as usual while
// their answer never comes: the request is held until the client gives up.
// It is a write that landed though its client timed out.
func (e *Emulator) LandNext(pattern string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.landNext == nil {
		e.landNext = map[string]int{}
	}
	e.landNext[pattern] += n
}

// Hold stops (true) or resumes (false) the progress of operations, so a
// test can keep one running.
func (e *Emulator) Hold(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hold = on
}
