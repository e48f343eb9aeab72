// Package kubesim simulates the Kubernetes Deployment controller over
// client-go's fake clientset, so the real client code (the kubernetes
// deployer) can be tested, and the playground run, without a cluster.
//
// The fake clientset stores objects but runs no controllers: generation
// never moves, status never changes, no ReplicaSets appear. kubesim adds
// what the API server and the controller would do: reactors give every
// Deployment write a generation, defaults and a preserved status, and a
// loop driven by an injected clock rolls Deployments out a few replicas per
// step, keeps ReplicaSets with revisions and change-causes, and sets the
// Progressing/Available conditions with the controller's reasons, including
// ProgressDeadlineExceeded. Images are pulled from a Registry (unknown
// images never start: ImagePullBackOff) and can be marked never-ready.
package kubesim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/utils/clock"
)

// Kind names the simulated target in configuration and logs.
const Kind = "kubesim"

// Resources the simulator tracks.
var (
	deploymentsGVR = appsv1.SchemeGroupVersion.WithResource("deployments")
	replicaSetsGVR = appsv1.SchemeGroupVersion.WithResource("replicasets")
	deploymentGVK  = appsv1.SchemeGroupVersion.WithKind("Deployment")
	replicaSetGVK  = appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
)

// controllerManager is the field manager the simulated controller writes as.
const controllerManager = "kube-controller-manager"

// Options configure a Sim. Zero values take the defaults noted.
type Options struct {
	// Clock drives the loop and the progress deadline (default: real time).
	Clock clock.WithTicker
	// Interval is the time between controller steps (default 500ms).
	Interval time.Duration
	// Step is how many replicas a rollout moves per step (default 1); it is
	// also the surge: new pods above the desired count.
	Step int32
	// DeadlineScale multiplies spec.progressDeadlineSeconds, so tests can
	// reach ProgressDeadlineExceeded in milliseconds (default 1).
	DeadlineScale float64
	// Registry decides which images can be pulled; nil: every image.
	Registry *Registry
	// NeverReady lists images whose pods start but never become ready.
	NeverReady []string
	// Deployments are created, and rolled out, before New returns.
	Deployments []Seed
	// MaxActions bounds the fake clientset's action log, which otherwise
	// grows with every call of a long-running playground (default 10000).
	MaxActions int
	Logger     *slog.Logger
}

// Seed describes a Deployment to create at start.
type Seed struct {
	Namespace  string
	Name       string
	Containers []Container
	// Replicas is the desired count (0 means 1).
	Replicas int32
	// ProgressDeadlineSeconds is spec.progressDeadlineSeconds (0 means 600;
	// math.MaxInt32 means no deadline, as in Kubernetes).
	ProgressDeadlineSeconds int32
	Annotations             map[string]string
	// Labels are added to the Deployment's own labels (beside app=Name),
	// e.g. the ownership labels Argo CD, Flux or Helm set.
	Labels map[string]string
	Paused bool
}

// Container is one container of a pod template.
type Container struct {
	Name  string
	Image string
}

// Sim is the simulated cluster. All methods are safe for concurrent use.
type Sim struct {
	opts    Options
	clock   clock.WithTicker
	log     *slog.Logger
	cs      *fake.Clientset
	tracker clienttesting.ObjectTracker

	mu         sync.Mutex
	neverReady map[string]bool      // canonical image → never ready
	progress   map[string]time.Time // ns/name → last rollout progress
	patchFault []error              // errors the next deployment writes return
	landFault  []error              // errors the next deployment writes return after storing
	forbidden  map[string]bool      // "verb resource" the caller's Role lacks (Forbid)
	stop       chan struct{}
	done       chan struct{}
}

// New builds the simulated cluster and rolls the seeded Deployments out.
func New(opts Options) (*Sim, error) {
	opts = withDefaults(opts)
	s := &Sim{opts: opts, clock: opts.Clock, log: discardIfNil(opts.Logger), cs: fake.NewClientset(),
		neverReady: map[string]bool{}, progress: map[string]time.Time{}}
	s.tracker = s.cs.Tracker()
	for _, img := range opts.NeverReady {
		if err := s.SetNeverReady(img, true); err != nil {
			return nil, fmt.Errorf("creating simulator: %w", err)
		}
	}
	s.cs.PrependReactor("*", "deployments", s.react)
	s.cs.PrependReactor("create", "selfsubjectaccessreviews", s.reactAccess)
	for _, seed := range opts.Deployments {
		if err := s.create(seed); err != nil {
			return nil, fmt.Errorf("creating simulator: seeding %s/%s: %w", seed.Namespace, seed.Name, err)
		}
	}
	s.settle()
	if err := s.pauseSeeds(); err != nil {
		return nil, fmt.Errorf("creating simulator: %w", err)
	}
	s.cs.ClearActions()
	return s, nil
}

// pauseSeeds pauses the seeds that ask for it once they are rolled out, so
// a paused Deployment still has pods and a history.
func (s *Sim) pauseSeeds() error {
	for _, seed := range s.opts.Deployments {
		if !seed.Paused {
			continue
		}
		_, err := s.cs.AppsV1().Deployments(seed.Namespace).Patch(context.Background(), seed.Name,
			types.MergePatchType, []byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{FieldManager: "kubesim-seed"})
		if err != nil {
			return fmt.Errorf("pausing %s/%s: %w", seed.Namespace, seed.Name, err)
		}
	}
	s.settle()
	return nil
}

func withDefaults(o Options) Options {
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	if o.Step <= 0 {
		o.Step = 1
	}
	if o.DeadlineScale <= 0 {
		o.DeadlineScale = 1
	}
	if o.MaxActions <= 0 {
		o.MaxActions = 10000
	}
	return o
}

// Clientset is the fake clientset the code under test talks to. Its
// recorded actions (Actions) include only calls made through it: the
// simulated controller writes to the tracker directly. A watch opened on it
// must be drained: the fake's watch channel panics when 100 events pile up.
func (s *Sim) Clientset() *fake.Clientset { return s.cs }

// Start runs the controller loop until ctx ends or Close is called.
func (s *Sim) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		return errors.New("starting simulator: already started")
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.loop(ctx, s.clock.NewTicker(s.opts.Interval), s.stop, s.done)
	return nil
}

func (s *Sim) loop(ctx context.Context, t clock.Ticker, stop, done chan struct{}) {
	defer close(done)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-t.C():
			s.Step()
			s.trimActions()
		}
	}
}

// Close stops the loop (if started) and waits for it.
func (s *Sim) Close() error {
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop = nil
	s.mu.Unlock()
	if stop == nil {
		return nil
	}
	close(stop)
	<-done
	return nil
}

// trimActions clears the action log when it grows past MaxActions. It must
// run without s.mu: the clientset's lock is taken before s.mu by reactors.
func (s *Sim) trimActions() {
	if len(s.cs.Actions()) > s.opts.MaxActions {
		s.cs.ClearActions()
	}
}

// settle steps until nothing changes, so seeded Deployments start rolled out.
func (s *Sim) settle() {
	for range 1000 {
		if !s.Step() {
			return
		}
	}
}

// FailNextWrite makes the next writes (create, update, patch) of a
// Deployment fail with errs, one per write, before anything is stored.
func (s *Sim) FailNextWrite(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.patchFault = append(s.patchFault, errs...)
}

// LandNextWrite makes the next spec writes (create, update, patch) of a
// Deployment be stored as usual and then answer errs, one per write: a
// write whose answer was lost (a timeout, a dropped connection) after the
// API server applied it.
func (s *Sim) LandNextWrite(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.landFault = append(s.landFault, errs...)
}

// SetNeverReady marks image (any spelling of it) as starting but never
// becoming ready, or clears the mark.
func (s *Sim) SetNeverReady(image string, on bool) error {
	key, err := canonical(image)
	if err != nil {
		return fmt.Errorf("marking %s never ready: %w", image, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.neverReady[key] = true
	} else {
		delete(s.neverReady, key)
	}
	return nil
}
