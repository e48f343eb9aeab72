// Package playground is `dingops playground`: the whole product on one
// machine, in a browser, with no DingTalk account. It starts emulators of
// DingTalk, OSS, Jenkins, a Kubernetes cluster (kubesim behind a small
// API server) and Argo CD syncing onto it, a local git repository, and the real dingops — bot, engine,
// store, adapters, worker, stream transport, announcements, web side —
// assembled by bot/system, as `dingops serve` is, from configs/playground.yaml. A web
// page (bot/web's playground page) draws the DingTalk group the bot talks
// in, lets the reader be a requester, an approver or someone without
// rights, and shows what is live in each emulator, updated as it changes.
//
// Nothing here imitates dingops: messages typed on the page enter through
// the emulator's stream gateway (dingtalkemu.SendText), card buttons
// through its card callback (dingtalkemu.ClickCard), and every card and
// reply on the page is what the bot sent the emulator.
package playground

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dingops/dingops/bot/announce"
	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/bot/web"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
)

// DefaultAddr is where the page listens unless --addr says otherwise.
const DefaultAddr = "127.0.0.1:8787"

// Options configure a playground.
type Options struct {
	Addr    string     // the page's address, loopback only; default DefaultAddr ("127.0.0.1:0" picks a port)
	DataDir string     // keeps the SQLite file and repository; "" is a temporary folder removed on Close
	Clock   core.Clock // nil is the wall clock (the tests start from a fixed morning)
	Getenv  func(string) string
	Version string
	Logger  *slog.Logger
	Lang    string // the bot's language, zh or en; "" is the configuration's (zh)
}

// Playground is a running playground.
type Playground struct {
	opts     Options
	log      *slog.Logger
	dir      string
	tmp      bool // dir is ours to remove
	emu      *emulators
	sys      *system.System
	web      *web.Server
	ann      *announce.Service
	hub      *hub
	alerts   *alerter // the page's Alertmanager
	ln       net.Listener
	front    *http.Server
	stopping chan struct{}
	cancel   context.CancelFunc // stops the cluster

	cfg      *configs.Config // what sys was assembled from; a language switch assembles it again
	mu       sync.Mutex      // guards sys, web, ann and lang, which a language switch replaces
	lang     string          // the language sys's bot speaks
	handler  atomic.Pointer[http.Handler]
	switches chan langSwitch // to Run, which owns the running services
}

// Start builds everything and binds the page's address; Run serves.
func Start(ctx context.Context, o Options) (_ *Playground, err error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Lang != "" && o.Lang != "zh" && o.Lang != "en" {
		return nil, fmt.Errorf("--lang %q: the playground speaks zh or en", o.Lang)
	}
	p := &Playground{opts: o, log: o.Logger, stopping: make(chan struct{}), switches: make(chan langSwitch)}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if err := p.listen(); err != nil {
		return nil, err
	}
	if err := p.makeDir(); err != nil {
		return nil, err
	}
	if p.emu, err = startEmulators(p.log); err != nil {
		return nil, fmt.Errorf("starting the emulators: %w", err)
	}
	cfg, commits, err := p.configure(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.assemble(ctx, cfg); err != nil {
		return nil, err
	}
	if err := p.seed(ctx, commits); err != nil {
		return nil, fmt.Errorf("seeding the playground: %w", err)
	}
	p.mount()
	return p, nil
}

// listen binds the page's address first, so a taken port fails at once.
func (p *Playground) listen() error {
	host, _, err := net.SplitHostPort(p.opts.Addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--addr %q must be a 127.0.0.1 address: the playground has no authentication", p.opts.Addr)
	}
	if p.ln, err = net.Listen("tcp", p.opts.Addr); err != nil {
		return err
	}
	return nil
}

func (p *Playground) makeDir() error {
	if p.opts.DataDir != "" {
		dir, err := filepath.Abs(p.opts.DataDir) // git runs in other folders
		if err != nil {
			return err
		}
		p.dir = dir
		return os.MkdirAll(p.dir, 0o755)
	}
	dir, err := os.MkdirTemp("", "dingops-playground-")
	p.dir, p.tmp = dir, err == nil
	return err
}

// configure makes the repository and the kubeconfig and loads the
// configuration pointing at them and at the emulators.
func (p *Playground) configure(ctx context.Context) (*configs.Config, repoCommits, error) {
	repo, commits, err := makeRepo(ctx, p.dir)
	if err != nil {
		return nil, commits, err
	}
	kubeconfig, err := p.emu.kube.writeKubeconfig(p.dir)
	if err != nil {
		return nil, commits, err
	}
	cfg, err := p.loadConfig(p.vars(repo, kubeconfig), p.opts.Getenv)
	if err == nil && p.opts.Lang != "" {
		cfg.Language = p.opts.Lang // the bot's language is a configuration setting, like in production
	}
	return cfg, commits, err
}

// assemble builds dingops from cfg with bot/system, as `dingops serve`
// does, and migrates the store.
func (p *Playground) assemble(ctx context.Context, cfg *configs.Config) error {
	sys, err := system.Assemble(ctx, cfg, system.Options{Logger: p.log, Clock: p.opts.Clock, Serve: true,
		Version: p.opts.Version})
	if err != nil {
		return fmt.Errorf("assembling dingops: %w", err)
	}
	p.mu.Lock()
	p.sys, p.cfg, p.lang = sys, cfg, cfg.Language
	p.mu.Unlock()
	if len(sys.Problems) > 0 {
		return fmt.Errorf("assembling dingops: %s: %s", sys.Problems[0].Path, sys.Problems[0].Message)
	}
	if err := sys.Store.Migrate(ctx); err != nil {
		return err
	}
	var ws *web.Server
	var ann *announce.Service
	for _, s := range sys.Services {
		switch s := s.(type) {
		case *web.Server:
			ws = s
		case *announce.Service:
			ann = s
		}
	}
	p.mu.Lock()
	p.web, p.ann = ws, ann
	p.mu.Unlock()
	if ws == nil {
		return errors.New("assembling dingops: no web listener was built (system.Options.Serve)")
	}
	return system.AuditConfigLoad(ctx, sys.Store, p.clock(), system.ConfigLoad{Path: "configs/playground.yaml (embedded)",
		Config: cfg, Version: p.opts.Version, Replica: fmt.Sprintf("playground-%d", os.Getpid())})
}

// seed records the demo's past into an empty store, then makes the
// emulators match the store and starts the cluster.
func (p *Playground) seed(ctx context.Context, commits repoCommits) error {
	s := &seeder{emu: p.emu, engine: p.sys.Engine, live: p.sys.Store.Live, commits: commits}
	empty, err := s.empty(ctx)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	if err := s.cluster(cctx); err != nil {
		return err
	}
	if empty {
		if err := s.demo(ctx); err != nil {
			return err
		}
	}
	return s.restore(cctx)
}

// mount adds the page and its API to the web side, and serves the web
// side plus the event stream on the page's address. The event stream has
// its own route: the web side's response writer wrapper cannot flush.
func (p *Playground) mount() {
	p.hub = newHub(p.emu, p.ann, p.log)
	p.alerts = newAlerter("http://"+p.ln.Addr().String()+"/api/v1/alerts/alertmanager", p.sys.Config.Server.APIToken.Value(), p.clock())
	p.hub.alertStates = p.alerts.states
	p.hub.refresh()
	p.mountWeb()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+EventsPath, p.events)
	mux.HandleFunc("GET "+PagePath, p.page)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*p.handler.Load()).ServeHTTP(w, r) }))
	p.front = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(p.log.Handler(), slog.LevelWarn)}
}

// mountWeb adds the page and its API to the (new) web side and makes it
// the one the page's address serves.
func (p *Playground) mountWeb() {
	p.web.Handle("GET "+PagePath, p.web.Playground(web.PlaygroundPage{Group: groupTitle, Users: users(),
		API: APIPath, Events: EventsPath}))
	p.web.Handle(APIPath+"/", p.apiHandler())
	h := p.web.Handler()
	p.handler.Store(&h)
}

// URL is the page's address.
func (p *Playground) URL() string { return "http://" + p.ln.Addr().String() + PagePath }

// Dir is the folder holding the SQLite file and the repository.
func (p *Playground) Dir() string { return p.dir }

func (p *Playground) clock() core.Clock {
	if p.opts.Clock == nil {
		return core.WallClock{}
	}
	return p.opts.Clock
}
