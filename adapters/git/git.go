// Package git answers the branch pre-checks of a release (core.SourceControl)
// with the git binary: does the branch exist, does it merge cleanly into the
// app's main branch, does it lack commits that are live now, and which
// commits it adds since the previous release.
//
// Each repository has a bare mirror cached on disk, fetched before every
// check. Fetches into one mirror are serialised in-process (a per-mirror
// semaphore) and across processes sharing the cache directory (an OS file
// lock), because two concurrent fetches into one repository race on its refs.
package git

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/dingops/dingops/core"
)

// Kind names this adapter in configuration and logs.
const Kind = "git"

// Defaults for the zero values of Config.
const (
	DefaultTimeout    = 2 * time.Minute
	DefaultMaxCommits = 50
	DefaultTokenUser  = "oauth2"
)

var _ core.SourceControl = (*Checker)(nil)

// Config configures a Checker.
type Config struct {
	// CacheDir holds one bare mirror per repository; created when missing.
	// Several dingops processes may share it.
	CacheDir string
	// Repos maps a repository URL, spelled exactly as apps name it, to the
	// credentials used to fetch it. Repositories not listed are fetched
	// without credentials.
	Repos map[string]RepoAuth
	// GitPath is the git binary (2.38 or newer, for merge-tree --write-tree);
	// "" means "git" on PATH.
	GitPath string
	// Timeout bounds each git command; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxCommits caps each commit list in a report; 0 means DefaultMaxCommits.
	MaxCommits int
	// PassEnv names further environment variables git may see. PATH, HOME,
	// proxy and CA-bundle variables are passed already; nothing else is.
	PassEnv []string
	// InheritGitConfig lets git read the machine's system and global git
	// config. Off by default, so a mirror behaves the same on every machine
	// and a stray credential helper or insteadOf cannot interfere.
	InheritGitConfig bool
	// LookupEnv reads environment variables (credentials, PATH); nil means
	// os.LookupEnv.
	LookupEnv func(name string) (string, bool)
	// Logger receives debug lines per git command (never a secret); nil
	// discards.
	Logger *slog.Logger
}

// RepoAuth says how to authenticate to one repository. At most one of
// TokenEnv and SSHKeyEnv is set. Secrets stay in the environment: they are
// never written to disk, to the mirror's config, to argv or to a log.
type RepoAuth struct {
	// TokenEnv names the environment variable holding an HTTPS access token,
	// sent as HTTP Basic auth with User.
	TokenEnv string
	// User is the user name sent with the token; "" means DefaultTokenUser
	// (GitHub and GitLab accept any name with a token; Codeup wants the
	// account's own).
	User string
	// SSHKeyEnv names the environment variable holding the path of an SSH
	// private key; ssh then offers that key only.
	SSHKeyEnv string
	// StrictHostKeyChecking is ssh's option: "yes" (default), "accept-new"
	// or "no".
	StrictHostKeyChecking string
	// KnownHostsFile replaces ssh's user known_hosts file when set.
	KnownHostsFile string
}

// Checker implements core.SourceControl over bare mirrors.
type Checker struct {
	cfg Config
	git runner
	log *slog.Logger

	mu      sync.Mutex
	mirrors map[string]chan struct{} // mirror dir → one-slot semaphore
}

// New checks cfg, creates the cache directory and returns a Checker.
func New(cfg Config) (*Checker, error) {
	if cfg.GitPath == "" {
		cfg.GitPath = "git"
	}
	path, err := exec.LookPath(cfg.GitPath)
	if err != nil {
		return nil, fmt.Errorf("finding git binary %q: %w", cfg.GitPath, err)
	}
	return newChecker(cfg, execRunner{path: path})
}

func newChecker(cfg Config, r runner) (*Checker, error) {
	if err := cfg.normalise(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating git cache dir: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Checker{cfg: cfg, git: r, log: log.With("adapter", Kind),
		mirrors: map[string]chan struct{}{}}, nil
}

func (cfg *Config) normalise() error {
	if cfg.CacheDir == "" {
		return errors.New("git: cache dir is required")
	}
	dir, err := filepath.Abs(cfg.CacheDir)
	if err != nil {
		return fmt.Errorf("resolving git cache dir: %w", err)
	}
	cfg.CacheDir = dir
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxCommits <= 0 {
		cfg.MaxCommits = DefaultMaxCommits
	}
	if cfg.LookupEnv == nil {
		cfg.LookupEnv = os.LookupEnv
	}
	for repo, auth := range cfg.Repos {
		if err := auth.validate(cfg.LookupEnv); err != nil {
			return fmt.Errorf("git credentials of %s: %w", redactURL(repo), err)
		}
	}
	return nil
}

func (a RepoAuth) validate(lookup func(string) (string, bool)) error {
	if a.TokenEnv != "" && a.SSHKeyEnv != "" {
		return errors.New("set a token or an SSH key, not both")
	}
	switch a.StrictHostKeyChecking {
	case "", "yes", "accept-new", "no":
	default:
		return fmt.Errorf("StrictHostKeyChecking %q: want yes, accept-new or no", a.StrictHostKeyChecking)
	}
	for _, name := range []string{a.TokenEnv, a.SSHKeyEnv} {
		if name == "" {
			continue
		}
		if v, ok := lookup(name); !ok || v == "" {
			return fmt.Errorf("environment variable %s is not set", name)
		}
	}
	return nil
}

// Inspect fetches the app's repository and reports on q.Branch against
// q.MainBranch. A branch name git would refuse is reported as not existing
// (it cannot exist) and never reaches git.
func (c *Checker) Inspect(ctx context.Context, q core.BranchQuery) (core.BranchReport, error) {
	r, err := c.remote(q.Repo)
	if err != nil {
		return core.BranchReport{}, fmt.Errorf("inspecting branch %q of %s: %w", q.Branch, q.App, err)
	}
	rep, err := c.inspect(ctx, r, q)
	if err != nil {
		return core.BranchReport{}, fmt.Errorf("inspecting branch %q of %s in %s: %w", q.Branch, q.App, r.display, err)
	}
	return rep, nil
}

func (c *Checker) inspect(ctx context.Context, r remote, q core.BranchQuery) (core.BranchReport, error) {
	if err := c.validQuery(ctx, q); err != nil {
		return core.BranchReport{}, err
	}
	if ok, err := c.validBranch(ctx, q.Branch); !ok {
		if err == nil {
			c.log.WarnContext(ctx, "refusing invalid branch name", "app", q.App, "branch", q.Branch)
		}
		return core.BranchReport{}, err
	}
	h, err := c.sync(ctx, r, q.Branch, q.MainBranch)
	if err != nil || h.branch == "" {
		return core.BranchReport{}, err
	}
	return c.analyse(ctx, r.dir, h, q)
}
