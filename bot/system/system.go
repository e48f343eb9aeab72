// Package system assembles dingops: it turns a loaded configuration and a
// few options (clock, logger, store, notifier) into the running system —
// the store, every app's target adapter, the release engine, the bot and,
// for `dingops serve` and the playground, the long-running services. It is
// the one place that wiring lives: serve, chat, record, the playground and
// the tests that run them all build the system here, so a second copy of
// the wiring cannot drift from the first.
//
// Adding a target kind touches one registry here (targets.go) next to the
// configuration section it is built from; see docs/architecture.md.
package system

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/dingops/dingops/bot"
	"github.com/dingops/dingops/bot/metrics"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/redact"
	"github.com/dingops/dingops/store"
)

// Options tune Assemble. The zero value builds what `dingops chat` needs
// from the configuration alone, on the wall clock.
type Options struct {
	Logger   *slog.Logger  // nil discards
	Clock    core.Clock    // nil is the wall clock
	Store    *store.Store  // an open store to use (not closed by System.Close); nil opens store.dsn
	Notifier core.Notifier // replaces the transport's notifier (the shell prints progress)
	Serve    bool          // build the long-running services too
	Local    bool          // a shell transport
	Version  string        // reported by the metrics
	// Getenv reads the variables secrets are named by (git credentials),
	// so every configured secret value is masked; nil is os.Getenv.
	Getenv func(string) string
	// Tuning sets what a configuration does not say, for tests that run
	// the assembled system against the emulators; the zero value changes
	// nothing.
	Tuning Tuning
}

// Tuning adjusts the adapters Assemble builds beyond their configuration:
// a faster build poll, a network that fails on purpose.
type Tuning struct {
	JenkinsHTTP    *http.Client  // Jenkins' HTTP client; nil is the adapter's own
	JenkinsPollMax time.Duration // caps the build poll's backoff; zero is the adapter's default
	OSSBackoff     time.Duration // the OSS targets' first retry wait; zero is the adapter's default
}

// System is dingops assembled from one configuration.
type System struct {
	Config   *configs.Config
	Store    *store.Store
	Engine   *core.Engine
	Bot      *bot.Bot
	Windows  WindowSource
	Services []Service
	// Problems found while assembling that belong to the file (e.g. a window
	// spec the engine refuses), with their YAML paths.
	Problems []configs.Problem

	closers []func() // run last first by Close
}

// WindowSource answers `dingops windows`.
type WindowSource interface {
	bot.WindowPlanner
	Apps() []string
	DataEnds() core.Date
}

// Service is a long-running part of `dingops serve`.
type Service interface {
	Name() string
	Run(ctx context.Context) error
}

// Close releases what Assemble opened (listeners, the store), newest first.
// It is safe to call more than once.
func (s *System) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

func (s *System) onClose(f func()) { s.closers = append(s.closers, f) }

// parts is what the assembly steps share.
type parts struct {
	cfg     *configs.Config
	opts    Options
	log     *slog.Logger
	clock   core.Clock
	metrics *metrics.Metrics // nil unless serving
	windows windowSource
	red     *redact.Redactor // masks every configured secret in what leaves the process
}

// Assemble builds dingops from a configuration: the store, the adapters of
// every app, the engine and the bot, and with Options.Serve the stream
// transport, announcements, the HTTP listeners (bound here, so a taken port
// fails start-up) and the pruner. On error nothing stays open.
func Assemble(ctx context.Context, cfg *configs.Config, o Options) (_ *System, err error) {
	p := &parts{cfg: cfg, opts: o, log: o.Logger, clock: o.Clock}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.clock == nil {
		p.clock = core.WallClock{}
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	p.red = redact.New(SecretValues(cfg, getenv)...)
	sys := &System{Config: cfg}
	ws, probs, err := buildWindows(cfg)
	if err != nil {
		return nil, err
	}
	p.windows, sys.Windows, sys.Problems = ws, ws, probs
	if o.Serve {
		p.metrics = metrics.New(metrics.Config{Version: o.Version, Runtime: true})
	}
	defer func() {
		if err != nil {
			sys.Close()
		}
	}()
	if err := p.build(ctx, sys); err != nil {
		return nil, err
	}
	return sys, nil
}

func (p *parts) build(ctx context.Context, sys *System) error {
	dt, err := dingtalkClient(p.cfg, p.metrics, p.log)
	if err != nil {
		return err
	}
	if sys.Store = p.opts.Store; sys.Store == nil {
		s, err := store.Open(ctx, p.cfg.Store.DSN, store.Options{Clock: p.clock, Logger: p.log})
		if err != nil {
			return err
		}
		sys.Store = s
		sys.onClose(func() { _ = s.Close() })
	}
	if err := p.engineAndBot(sys, dt); err != nil {
		return err
	}
	if !p.opts.Serve {
		return nil
	}
	return p.services(sys, dt)
}
