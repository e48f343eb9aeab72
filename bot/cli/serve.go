package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/core"
	"github.com/dingops/dingops/core/redact"
)

func runServe(ctx context.Context, env Env, args []string) int {
	fs := flags(env, "serve", "--config FILE [--log-format json|text]")
	cfgPath := fs.String("config", "", "configuration file")
	logFormat := fs.String("log-format", "", "json or text (default: the configuration's server.log_format)")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	if *logFormat != "" && *logFormat != "json" && *logFormat != "text" {
		return usageError(env, "serve", "--log-format must be json or text")
	}
	cfg, ok := load(env, "serve", *cfgPath)
	if !ok {
		return 1
	}
	format := def(*logFormat, cfg.Server.LogFormat)
	log := newLogger(env, format, system.SecretValues(cfg, env.Getenv))
	sys, err := system.Assemble(ctx, cfg, system.Options{Logger: log, Serve: true, Version: env.Version})
	if err != nil {
		return fail(env, "serve", err)
	}
	defer sys.Close()
	if len(sys.Problems) > 0 {
		printProblems(env, *cfgPath, sys.Problems)
		return 1
	}
	if err := sys.Store.Migrate(ctx); err != nil {
		return fail(env, "serve", err)
	}
	host, _ := os.Hostname()
	load := system.ConfigLoad{Path: *cfgPath, Config: cfg, Version: env.Version, Replica: fmt.Sprintf("%s-%d", host, os.Getpid())}
	if err := system.AuditConfigLoad(ctx, sys.Store, core.WallClock{}, load); err != nil {
		return fail(env, "serve", err)
	}
	go logDoctor(ctx, cfg, env, log) // doctor.go: the summary once, in the background
	return serve(ctx, env, sys, log)
}

// newLogger logs JSON (or text) and redacts every configured secret value,
// whatever a library prints.
func newLogger(env Env, format string, secrets []string) *slog.Logger {
	var h slog.Handler = slog.NewJSONHandler(env.Stderr, nil)
	if format == "text" {
		h = slog.NewTextHandler(env.Stderr, nil)
	}
	return slog.New(redact.NewLogHandler(h, secrets))
}

// serve runs the worker and every service until ctx ends (SIGTERM), then
// stops taking work and drains what is in flight within the drain timeout.
func serve(ctx context.Context, env Env, sys *system.System, log *slog.Logger) int {
	host, _ := os.Hostname()
	w := sys.Config.Worker
	worker := sys.Engine.NewWorker(core.WorkerConfig{ID: fmt.Sprintf("%s-%d", host, os.Getpid()), Lease: w.Lease.Std(),
		Poll: w.Poll.Std(), Concurrency: w.Concurrency, Replicas: sys.Store})
	sys.Engine.SetWake(worker.Wake)
	log.Info("dingops serving", "version", env.Version, "store", sys.Store.Dialect(), "apps", len(sys.Engine.Apps()),
		"services", len(sys.Services))
	var wg sync.WaitGroup
	done := make(chan struct{})
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				log.Error("service stopped", "service", name, "err", err)
			}
		}()
	}
	run("worker", worker.Run)
	for _, s := range sys.Services {
		run(s.Name(), s.Run)
	}
	go func() { wg.Wait(); close(done) }()
	<-ctx.Done()
	log.Info("draining", "timeout", w.DrainTimeout.Std())
	select {
	case <-done:
		closeServices(sys)
		log.Info("drained; bye")
		return 0
	case <-time.After(w.DrainTimeout.Std()):
		log.Warn("drain timed out; work in flight resumes on another replica after its lease")
		return 1
	}
}

// closeServices lets services that outlive their Run (the stream
// transport's card notifier) finish, before the store closes.
func closeServices(sys *system.System) {
	for _, s := range sys.Services {
		if c, ok := s.(interface{ Close() }); ok {
			c.Close()
		}
	}
}
