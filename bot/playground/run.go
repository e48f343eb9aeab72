package playground

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/dingops/dingops/bot/cli"
	"github.com/dingops/dingops/core"
)

// Run serves the page and runs dingops — the release worker and every
// service `dingops serve` runs — until ctx ends; then it stops taking work,
// lets work in flight finish within the configured drain timeout, and
// closes everything (Close). A language switch from the page (Switch)
// stops the services the same way and starts them again over a system
// assembled in the new language.
func (p *Playground) Run(ctx context.Context) error {
	defer p.Close()
	hctx, stopHub := context.WithCancel(ctx)
	var hub sync.WaitGroup
	hub.Go(func() { _ = p.hub.run(hctx) })
	defer hub.Wait()
	defer stopHub()
	serveErr := make(chan error, 1)
	go func() { serveErr <- p.front.Serve(p.ln) }()
	for {
		gen := p.startServices(ctx)
		select {
		case <-ctx.Done():
			return p.drain(gen)
		case err := <-serveErr:
			gen.stop(p.drainTimeout())
			return fmt.Errorf("serving the playground page: %w", err)
		case req := <-p.switches:
			err := p.restart(ctx, gen, req.lang)
			req.done <- err
			if err != nil {
				close(p.stopping)
				_ = p.front.Close()
				return err
			}
		}
	}
}

// services are one assembly's worker and services, running.
type services struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startServices runs the worker and every service of the current system
// until ctx ends or stop is called.
func (p *Playground) startServices(ctx context.Context) *services {
	sys := p.system()
	ctx, cancel := context.WithCancel(ctx)
	g := &services{cancel: cancel}
	w := sys.Config.Worker
	worker := sys.Engine.NewWorker(core.WorkerConfig{ID: fmt.Sprintf("playground-%d", os.Getpid()), Lease: w.Lease.Std(),
		Poll: w.Poll.Std(), Concurrency: w.Concurrency, Replicas: sys.Store})
	sys.Engine.SetWake(worker.Wake)
	run := func(name string, f func(context.Context) error) {
		g.wg.Go(func() {
			if err := f(ctx); err != nil && ctx.Err() == nil {
				p.log.Error("playground service stopped", "service", name, "err", err)
			}
		})
	}
	run("worker", worker.Run)
	for _, s := range sys.Services {
		run(s.Name(), s.Run)
	}
	return g
}

// stop ends the services and waits for their work in flight, at most
// timeout.
func (g *services) stop(timeout time.Duration) error {
	g.cancel()
	done := make(chan struct{})
	go func() { g.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return errors.New("playground: work in flight did not finish within the drain timeout")
	}
}

func (p *Playground) drainTimeout() time.Duration { return p.system().Config.Worker.DrainTimeout.Std() }

// drain ends the event streams and the page's listener, then waits for
// the worker and services to finish their work in flight.
func (p *Playground) drain(g *services) error {
	close(p.stopping)
	timeout := p.drainTimeout()
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := p.front.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		p.log.Warn("stopping the playground page", "err", err)
	}
	return g.stop(timeout)
}

// Close stops the cluster and the emulators, closes the store and removes
// a temporary folder. Run calls it; call it yourself only when Start
// succeeded but Run never ran.
func (p *Playground) Close() {
	if p.cancel != nil {
		p.cancel()
	}
	if p.ln != nil && p.front == nil {
		_ = p.ln.Close()
	}
	if p.emu != nil {
		p.emu.Close()
	}
	if sys := p.system(); sys != nil {
		sys.Close()
	}
	if p.tmp {
		_ = os.RemoveAll(p.dir)
	}
}

// Main is `dingops playground [--addr 127.0.0.1:8787] [--data DIR] [--lang zh|en]`;
// main.go sets it as cli.Env.Playground.
func Main(ctx context.Context, args []string, env cli.Env) int {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", DefaultAddr, "the page's address (127.0.0.1 only)")
	data := fs.String("data", "", "keep the SQLite file and repository in this folder (default: a temporary one)")
	lang := fs.String("lang", "", "the bot's language, zh or en (default: the configuration's, zh); the page's switch changes it")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(env.Stdout, "Usage: dingops playground [--addr 127.0.0.1:8787] [--data DIR] [--lang zh|en]\n\nFlags:")
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		return 0
	} else if err == nil && fs.NArg() == 0 && *lang != "" && *lang != "zh" && *lang != "en" {
		fmt.Fprintf(env.Stderr, "dingops playground: --lang %q: use zh or en\n", *lang)
		return 2
	} else if err != nil || fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "dingops playground: %s (see dingops playground --help)\n", usageError(err, fs.Args()))
		return 2
	}
	// Errors only: the page is the interface, and a fresh store makes the
	// announcements warn about every post "missed" before it existed.
	log := slog.New(quietOnStop{Handler: slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelError}),
		stop: ctx.Done()})
	start := time.Now()
	p, err := Start(ctx, Options{Addr: *addr, DataDir: *data, Getenv: env.Getenv,
		Version: env.Version, Logger: log, Lang: *lang})
	if err != nil && ctx.Err() != nil {
		fmt.Fprintln(env.Stderr, "dingops playground: stopped while starting")
		return 1
	} else if err != nil {
		fmt.Fprintf(env.Stderr, "dingops playground: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "dingops playground: open %s (started in %.1fs)\n", p.URL(), time.Since(start).Seconds())
	fmt.Fprintln(env.Stdout, "  the real bot, engine and adapters, talking to emulators of DingTalk, OSS, Jenkins and Kubernetes")
	if *data == "" {
		fmt.Fprintf(env.Stdout, "  data: %s (removed when it stops; --data DIR keeps it)\n", p.Dir())
	} else {
		fmt.Fprintf(env.Stdout, "  data: %s\n", p.Dir())
	}
	fmt.Fprintln(env.Stdout, "  Ctrl-C stops it.")
	if err := p.Run(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "dingops playground: %v\n", err)
		return 1
	}
	return 0
}

func usageError(err error, rest []string) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("unexpected argument %q", rest[0])
}
