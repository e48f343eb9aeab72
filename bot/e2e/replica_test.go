package e2e

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/git"
	"github.com/dingops/dingops/adapters/jenkins"
	"github.com/dingops/dingops/adapters/oss"
	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/core"
)

// replica is one dingops process: its own engine, bot, adapters and
// worker, over the world's shared store and outside systems — as
// `dingops serve` assembles them in bot/system.
type replica struct {
	h        *harness
	name     string
	engine   *core.Engine
	bot      *bot.Bot
	builder  *jenkins.Builder
	deployer *oss.Deployer
	worker   *core.Worker

	mu   sync.Mutex
	stop func() // stops the worker's Run loop; nil when it is not running
}

// replicaConfig is what differs between replicas in the crash tests.
type replicaConfig struct {
	hook  func(core.ReleaseID, core.Step) error // core.WorkerConfig.Hook
	lease time.Duration                         // run-lock lease; default 30s
	http  *http.Client                          // the Jenkins builder's client
}

func (h *harness) newReplica(name string, rc replicaConfig) *replica {
	t := h.t
	r := &replica{h: h, name: name}
	var err error
	r.builder, err = jenkins.New(jenkins.Config{URL: h.jenkins.URL(), User: jenkinsUser, Token: jenkinsToken,
		RequestTimeout: time.Minute, PollInterval: 2 * time.Millisecond, PollMax: 20 * time.Millisecond,
		HTTPClient: rc.http})
	require.NoError(t, err)
	checker, err := git.New(git.Config{CacheDir: t.TempDir(), Timeout: 30 * time.Second})
	require.NoError(t, err)
	// Stop this replica's worker before its git mirror directory goes:
	// cleanups run last-registered first, and the harness's teardown was
	// registered before the directory, so a worker still fetching there
	// would race its removal.
	t.Cleanup(r.halt)
	r.deployer, err = oss.Open(oss.Config{App: "web", Endpoint: h.oss.URL(), Region: ossRegion, Bucket: bucket,
		AccessKeyID: ossAK, AccessKeySecret: ossSecret, ManifestKey: fixedKey, ManifestPattern: "web/manifest.*.json",
		Timeout: 10 * time.Second, Backoff: time.Millisecond})
	require.NoError(t, err)
	r.engine, err = core.NewEngine(core.Config{Apps: h.apps(), Releases: h.store, Locks: h.store, Audit: h.store,
		Deployers: map[string]core.Deployer{"web": r.deployer}, Builder: r.builder, Source: checker,
		Clock: h.clock, Gate: h.windows.Gate})
	require.NoError(t, err)
	r.bot, err = bot.New(bot.Config{Engine: r.engine, Releaser: r.engine, Windows: h.windows, Language: "en",
		Zone: shanghai, Clock: h.clock, Builds: r.builder})
	require.NoError(t, err)
	r.engine.SetNotifier(notifier{chat: h.chat, bot: r.bot, replica: name})
	r.worker = r.engine.NewWorker(core.WorkerConfig{ID: name, Lease: rc.lease, Poll: 100 * time.Millisecond, Hook: rc.hook})
	r.engine.SetWake(r.worker.Wake)
	h.mu.Lock()
	h.replicas = append(h.replicas, r)
	h.mu.Unlock()
	return r
}

// run starts the replica's worker loop, as `dingops serve` does.
func (r *replica) run() {
	ctx, cancel := context.WithCancel(r.h.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.worker.Run(ctx)
	}()
	r.mu.Lock()
	r.stop = func() { cancel(); <-done }
	r.mu.Unlock()
}

// halt stops the worker loop and waits for the work in flight.
func (r *replica) halt() {
	r.mu.Lock()
	stop := r.stop
	r.stop = nil
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// deadTransport passes requests to Jenkins until kill, then holds each one
// until its context ends: a process that stopped in the middle of its work.
type deadTransport struct {
	mu   sync.Mutex
	dead bool
}

func (d *deadTransport) kill() {
	d.mu.Lock()
	d.dead = true
	d.mu.Unlock()
}

func (d *deadTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	d.mu.Lock()
	dead := d.dead
	d.mu.Unlock()
	if dead {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(req)
}
