// Package cli is the dingops command line: it parses subcommands and flags
// and runs each subcommand on the system bot/system assembles.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/dingops/dingops/bot/system"
	"github.com/dingops/dingops/configs"
	"github.com/dingops/dingops/core/levenshtein"
)

// Env is what the command line runs with; main.go fills it.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Version        string
	OSUser         string
	// Playground runs `dingops playground`; nil until it is wired (the
	// playground imports this package, so main.go hands it in).
	Playground func(ctx context.Context, args []string, env Env) int
}

// exitUsage is the exit code of a command line people got wrong.
const exitUsage = 2

type subcommand struct {
	name, summary string
	run           func(ctx context.Context, env Env, args []string) int
}

func subcommands() []subcommand {
	return []subcommand{
		{"serve", "run the bot: stream connection, worker, expiry, announcements, HTTP", runServe},
		{"chat", "run one chat command from a shell and print the reply", runChat},
		{"record", "record a release made elsewhere (CI/CD), so rollbacks have history", runRecord},
		{"migrate", "apply database migrations", runMigrate},
		{"config", "config check: validate a configuration file and summarise it", runConfig},
		{"doctor", "check every integration the configuration names, and say what to fix", runDoctor},
		{"windows", "print release windows and holidays day by day", runWindows},
		{"audit", "export the audit log as CSV or JSON", runAudit},
		{"playground", "everything on one machine with emulators and a web page", runPlayground},
		{"version", "print the version", runVersion},
	}
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return 0
	}
	for _, s := range subcommands() {
		if s.name == args[0] {
			return s.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "dingops: unknown command %q%s (see dingops --help)\n", args[0], nearest(args[0]))
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "dingops — DingTalk chat-ops for releases and rollbacks\n\nUsage: dingops <command> [flags]\n\nCommands:")
	for _, s := range subcommands() {
		fmt.Fprintf(w, "  %-11s %s\n", s.name, s.summary)
	}
	fmt.Fprintln(w, "\nRun dingops <command> --help for its flags.")
}

func nearest(word string) string {
	best, dist := "", 3
	names := make([]string, 0)
	for _, s := range subcommands() {
		names = append(names, s.name)
	}
	sort.Strings(names)
	for _, n := range names {
		if d := levenshtein.Distance(word, n); d < dist {
			best, dist = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// cmdFlags is a flag set whose errors are one line and whose --help prints
// the flags.
type cmdFlags struct {
	*flag.FlagSet
	help func()
}

func flags(env Env, name, args string) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // errors are one line; --help prints the flags (parse)
	return &cmdFlags{FlagSet: fs, help: func() {
		fmt.Fprintf(env.Stdout, "Usage: dingops %s %s\n\nFlags:\n", name, args)
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}}
}

// parse parses flags; it returns an exit code when the command must stop.
func parse(env Env, fs *cmdFlags, args []string) (int, bool) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.help()
		return 0, false
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "dingops %s: %s (see dingops %s --help)\n", fs.Name(), strings.TrimSpace(err.Error()), fs.Name())
		return exitUsage, false
	}
	return 0, true
}

func fail(env Env, cmd string, err error) int {
	fmt.Fprintf(env.Stderr, "dingops %s: %v\n", cmd, err)
	return 1
}

func usageError(env Env, cmd, format string, args ...any) int {
	fmt.Fprintf(env.Stderr, "dingops %s: %s (see dingops %s --help)\n", cmd, fmt.Sprintf(format, args...), cmd)
	return exitUsage
}

func runVersion(_ context.Context, env Env, args []string) int {
	fs := flags(env, "version", "")
	if code, ok := parse(env, fs, args); !ok {
		return code
	}
	fmt.Fprintln(env.Stdout, "dingops", env.Version)
	return 0
}

func runPlayground(ctx context.Context, env Env, args []string) int {
	if env.Playground == nil {
		fmt.Fprintln(env.Stderr, "dingops playground: not available in this build")
		return 1
	}
	return env.Playground(ctx, args, env)
}

// load reads and validates the configuration, printing every problem.
func load(env Env, cmd, path string) (*configs.Config, bool) {
	if path == "" {
		usageError(env, cmd, "--config FILE is required")
		return nil, false
	}
	cfg, probs, err := configs.Load(path, env.Getenv)
	if err != nil {
		if probs != nil {
			fmt.Fprintln(env.Stderr, probs.Error())
		} else {
			fmt.Fprintf(env.Stderr, "dingops %s: %v\n", cmd, err)
		}
		return nil, false
	}
	return cfg, true
}

// assemble loads and assembles, reporting failures.
func assemble(ctx context.Context, env Env, cmd, path string, o system.Options) (*system.System, int) {
	cfg, ok := load(env, cmd, path)
	if !ok {
		return nil, 1
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	sys, err := system.Assemble(ctx, cfg, o)
	if err != nil {
		return nil, fail(env, cmd, err)
	}
	if len(sys.Problems) > 0 {
		sys.Close()
		printProblems(env, path, sys.Problems)
		return nil, 1
	}
	// A fresh database is migrated on first use, as serve does, under the
	// same database-wide lock.
	if err := sys.Store.Migrate(ctx); err != nil {
		sys.Close()
		return nil, fail(env, cmd, err)
	}
	return sys, 0
}

func printProblems(env Env, file string, ps []configs.Problem) {
	fmt.Fprintf(env.Stderr, "%s: %d problem(s)\n", file, len(ps))
	for _, p := range ps {
		fmt.Fprintf(env.Stderr, "%s:%d: %s: %s\n", file, p.Line, p.Path, p.Message)
	}
}
