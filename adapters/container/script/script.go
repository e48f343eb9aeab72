// Package script is the container target that runs an operator's own deploy
// command: the backend for teams whose deploy is a script, and the deployer
// the shell demo uses.
package script

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dingops/dingops/core"
)

// Kind names this backend in configuration.
const Kind = "script"

// Config is one app's script target.
type Config struct {
	App          string
	Command      []string      // deploys $DINGOPS_ARTIFACT; must be idempotent
	LiveCommand  []string      // prints the live artifact reference; optional
	CheckCommand []string      // exits 0 when $DINGOPS_ARTIFACT can be deployed; optional
	Timeout      time.Duration // per run; default 10m
	Dir          string
	Env          []string // extra KEY=VALUE pairs
	// PassEnv names the variables of dingops's own environment a command
	// gets (the app's env: allow-list). Nothing else passes but BaseEnv
	// and the DINGOPS_* release variables: dingops's environment holds the
	// API token, the DingTalk, Jenkins, git and OSS secrets and the DSN.
	PassEnv []string
	Getenv  func(string) string // default os.Getenv
	Logger  *slog.Logger
}

// Deployer runs the configured commands.
type Deployer struct {
	cfg Config
	run runner
}

var _ core.Deployer = (*Deployer)(nil)

// runner is the seam over os/exec.
type runner interface {
	Run(ctx context.Context, argv []string, dir string, env []string, out io.Writer) error
}

// New checks cfg and builds the deployer; a nil api runs real processes.
func New(cfg Config, api runner) (*Deployer, error) {
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return nil, fmt.Errorf("script target of %s: command is required", cfg.App)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if api == nil {
		api = newExecRunner()
	}
	return &Deployer{cfg: cfg, run: api}, nil
}

// BaseEnv are the variables every command gets from dingops's environment,
// when set: what a shell and common tools need, and no secret.
var BaseEnv = []string{"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"}

func (d *Deployer) env(a core.Artifact, req *core.DeployRequest) []string {
	var env []string
	for _, k := range append(append([]string(nil), BaseEnv...), d.cfg.PassEnv...) {
		if v := d.cfg.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, d.cfg.Env...)
	env = append(env, "DINGOPS_APP="+d.cfg.App, "DINGOPS_ARTIFACT="+a.Ref, "DINGOPS_ARTIFACT_DIGEST="+a.Digest)
	if req != nil {
		env = append(env, "DINGOPS_VERSION="+strconv.Itoa(req.Version), "DINGOPS_RELEASE_ID="+strconv.FormatInt(int64(req.ReleaseID), 10),
			"DINGOPS_KIND="+string(req.Kind), "DINGOPS_REQUESTER="+req.Requester)
		env = append(env, optionEnv(req.Options)...)
	}
	return env
}

// Check refuses an empty or multi-line reference and runs the check
// command when one is configured.
func (d *Deployer) Check(ctx context.Context, a core.Artifact) error {
	if strings.TrimSpace(a.Ref) == "" || strings.ContainsAny(a.Ref, "\n\r\x00") {
		return fmt.Errorf("%s: artifact %q is not a valid reference", d.cfg.App, a.Ref)
	}
	if len(d.cfg.CheckCommand) == 0 {
		return nil
	}
	var out bytes.Buffer
	if err := d.exec(ctx, d.cfg.CheckCommand, d.env(a, nil), &out); err != nil {
		return fmt.Errorf("%s: artifact %s cannot be deployed: %w: %s", d.cfg.App, a.Label(), err, tail(out.String()))
	}
	return nil
}

// Deploy runs the command with the release in its environment; its output
// goes to the release's log.
func (d *Deployer) Deploy(ctx context.Context, req core.DeployRequest) error {
	var out bytes.Buffer
	w := io.Writer(&out)
	if req.Log != nil {
		w = io.MultiWriter(&out, req.Log)
	}
	if err := d.exec(ctx, d.cfg.Command, d.env(req.Artifact, &req), w); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("deploying %s to %s with %s: %w: %s", req.Artifact.Label(), d.cfg.App, d.cfg.Command[0], err, tail(out.String()))
	}
	return nil
}

// Live runs the live command; without one the target cannot tell and the
// engine uses the last recorded release.
func (d *Deployer) Live(ctx context.Context) (core.Artifact, error) {
	if len(d.cfg.LiveCommand) == 0 {
		return core.Artifact{}, core.ErrLiveUnknown
	}
	var out bytes.Buffer
	if err := d.exec(ctx, d.cfg.LiveCommand, d.env(core.Artifact{}, nil), &out); err != nil {
		return core.Artifact{}, fmt.Errorf("%s: live command failed: %w: %s", d.cfg.App, err, tail(out.String()))
	}
	ref := strings.TrimSpace(out.String())
	if i := strings.LastIndexByte(ref, '\n'); i >= 0 {
		ref = strings.TrimSpace(ref[i+1:])
	}
	if ref == "" {
		return core.Artifact{}, core.ErrLiveUnknown
	}
	return core.Artifact{Kind: core.TargetContainer, Ref: ref}, nil
}

func (d *Deployer) exec(ctx context.Context, argv []string, env []string, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	err := d.run.Run(ctx, argv, d.cfg.Dir, env, out)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s", d.cfg.Timeout)
	}
	return err
}

// tail is the last lines of output, for error messages.
func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}
