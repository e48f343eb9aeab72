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
// closes everything (Close).
func (p *Playground) Run(ctx context.Context) error {
	defer p.Close()
	w := p.sys.Config.Worker
	worker := p.sys.Engine.NewWorker(core.WorkerConfig{ID: fmt.Sprintf("playground-%d", os.Getpid()), Lease: w.Lease.Std(),
		Poll: w.Poll.Std(), Concurrency: w.Concurrency, Replicas: p.sys.Store})
	p.sys.Engine.SetWake(worker.Wake)
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				p.log.Error("playground service stopped", "service", name, "err", err)
			}
		}()
	}
	run("worker", worker.Run)
	for _, s := range p.sys.Services {
		run(s.Name(), s.Run)
	}
	run("playground-state", p.hub.run)
	serveErr := make(chan error, 1)
	go func() { serveErr <- p.front.Serve(p.ln) }()
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return fmt.Errorf("serving the playground page: %w", err)
	}
	return p.drain(&wg, w.DrainTimeout.Std())
}

// drain ends the event streams and the page's listener, then waits for
// the worker and services to finish their work in flight.
func (p *Playground) drain(wg *sync.WaitGroup, timeout time.Duration) error {
	close(p.stopping)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := p.front.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		p.log.Warn("stopping the playground page", "err", err)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-sctx.Done():
		return errors.New("playground: work in flight did not finish within the drain timeout")
	}
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
	if p.sys != nil {
		p.sys.Close()
	}
	if p.tmp {
		_ = os.RemoveAll(p.dir)
	}
}

// Main is `dingops playground [--addr 127.0.0.1:8787] [--data DIR]`;
// main.go sets it as cli.Env.Playground.
func Main(ctx context.Context, args []string, env cli.Env) int {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", DefaultAddr, "the page's address (127.0.0.1 only)")
	data := fs.String("data", "", "keep the SQLite file and repository in this folder (default: a temporary one)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(env.Stdout, "Usage: dingops playground [--addr 127.0.0.1:8787] [--data DIR]\n\nFlags:")
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		return 0
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
		Version: env.Version, Logger: log})
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
