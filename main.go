// Command dingops is a DingTalk chat-ops bot that releases and rolls back
// production. main only hands the arguments to the command line (bot/cli);
// the system is built by one assembly package (bot/system) that every
// subcommand, the playground and the tests use.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"os/user"
	"syscall"

	"github.com/dingops/dingops/bot/cli"
	"github.com/dingops/dingops/bot/playground"
)

// version is stamped at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	return cli.Main(ctx, args, cli.Env{Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, Version: version,
		OSUser: who, Playground: playground.Main})
}
