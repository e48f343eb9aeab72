package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// replica is one dingops process: the system bot/system assembles from
// the world's configuration, as `dingops serve` does, over the world's
// shared store and outside systems, and its worker.
type replica struct {
	h      *harness
	name   string
	sys    *system.System
	engine *core.Engine
	bot    *bot.Bot
	worker *core.Worker

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
	// Stop this replica's worker before its git mirror directory goes:
	// cleanups run last-registered first, and the harness's teardown was
	// registered before the directory, so a worker still fetching there
	// would race its removal.
	cfg := h.config(t.TempDir())
	t.Cleanup(r.halt)
	n := &notifier{chat: h.chat, replica: name}
	var err error
	r.sys, err = system.Assemble(h.ctx, cfg, system.Options{Store: h.store, Clock: h.clock, Notifier: n,
		Tuning: system.Tuning{JenkinsHTTP: rc.http, JenkinsPollMax: 20 * time.Millisecond, OSSBackoff: time.Millisecond}})
	require.NoError(t, err)
	require.Empty(t, r.sys.Problems)
	t.Cleanup(r.sys.Close)
	r.engine, r.bot, n.bot = r.sys.Engine, r.sys.Bot, r.sys.Bot
	r.worker = r.engine.NewWorker(core.WorkerConfig{ID: name, Lease: rc.lease, Poll: 100 * time.Millisecond, Hook: rc.hook})
	r.engine.SetWake(r.worker.Wake)
	h.mu.Lock()
	h.replicas = append(h.replicas, r)
	h.mu.Unlock()
	return r
}

// config is the world as a configuration file says it, with the git
// mirrors in dir: web on the OSS emulator, built by the Jenkins emulator
// from the fixture repository, released 10:00–18:00 Shanghai time on
// working days; alice in frontend releases, bob and carol in sre approve.
func (h *harness) config(dir string) *configs.Config {
	yaml := fmt.Sprintf(`
language: en
time_zone: Asia/Shanghai
jenkins: {url: %q, user: %s, token_env: JENKINS_TOKEN, poll: 2ms}
git: {mirror_dir: %q, timeout: 30s}
teams: {frontend: [alice], sre: [bob, carol]}
chats: {web: {conversation_id: %s}}
windows:
  office-hours:
    apps: [web]
    periods: [{start: "0 10 * * *", duration: 8h}]
apps:
  web:
    target:
      kind: oss
      oss: {endpoint: %q, region: %s, bucket: %s, access_key_id: %s, access_key_secret_env: OSS_SECRET,
        fixed_key: %s, manifest_pattern: "web/manifest.*.json", timeout: 10s}
    chats: [web]
    release_teams: [frontend]
    approver_teams: [sre]
    repo: %q
    main_branch: main
    jenkins_job: %s
    policy: {%s}
`, h.jenkins.URL(), jenkinsUser, dir, chatID, h.oss.URL(), ossRegion, bucket, ossAK, fixedKey, repo.Remote, job, h.cfg.policy)
	env := map[string]string{"JENKINS_TOKEN": jenkinsToken, "OSS_SECRET": ossSecret}
	cfg, _, err := configs.Parse([]byte(yaml), "e2e.yaml", func(k string) string { return env[k] })
	require.NoError(h.t, err)
	return cfg
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
