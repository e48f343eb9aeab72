package git

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testEnv is the environment of the fixture's own git commands: isolated
// from the machine's git config, never prompting.
func testEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
}

// fixture is a "remote" bare repository and a work clone that pushes to it.
type fixture struct {
	t      *testing.T
	remote string
	work   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, remote: filepath.Join(dir, "remote.git"), work: filepath.Join(dir, "work")}
	f.git(dir, "init", "--bare", "--quiet", "--initial-branch=main", f.remote)
	f.git(dir, "init", "--quiet", "--initial-branch=main", f.work)
	for _, kv := range [][2]string{{"user.name", "Dev"}, {"user.email", "dev@example.com"},
		{"commit.gpgsign", "false"}, {"remote.origin.url", f.remote}} {
		f.git(f.work, "config", kv[0], kv[1])
	}
	f.commit("Dev", "README", "hello\n", "initial")
	f.push("main")
	return f
}

func (f *fixture) git(dir string, args ...string) string {
	f.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, testEnv()
	out, err := cmd.CombinedOutput()
	require.NoError(f.t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

// commit writes file on the current branch and commits it as author.
func (f *fixture) commit(author, file, content, subject string) string {
	f.t.Helper()
	require.NoError(f.t, os.WriteFile(filepath.Join(f.work, file), []byte(content), 0o644))
	f.git(f.work, "add", "--", file)
	f.git(f.work, "-c", "user.name="+author, "commit", "--quiet", "-m", subject)
	return f.git(f.work, "rev-parse", "HEAD")
}

// branch creates name at from and checks it out.
func (f *fixture) branch(name, from string) {
	f.git(f.work, "checkout", "--quiet", "-B", name, from)
}

func (f *fixture) checkout(name string) { f.git(f.work, "checkout", "--quiet", name) }

func (f *fixture) push(branches ...string) {
	f.git(f.work, append([]string{"push", "--quiet", "--force", "origin"}, branches...)...)
}

// recorder wraps the real runner: it keeps every command and counts
// fetches running at once per mirror.
type recorder struct {
	next       runner
	fetchDelay time.Duration // widens the window in which fetches could overlap

	mu       sync.Mutex
	calls    []command
	inFlight map[string]int
	maxFetch int
}

func (r *recorder) run(ctx context.Context, c command) (result, error) {
	fetch := subcommand(c.args) == "fetch"
	r.mu.Lock()
	r.calls = append(r.calls, c)
	if fetch {
		r.inFlight[c.dir]++
		r.maxFetch = max(r.maxFetch, r.inFlight[c.dir])
	}
	r.mu.Unlock()
	if fetch && r.fetchDelay > 0 {
		time.Sleep(r.fetchDelay)
	}
	res, err := r.next.run(ctx, c)
	if fetch {
		r.mu.Lock()
		r.inFlight[c.dir]--
		r.mu.Unlock()
	}
	return res, err
}

func (r *recorder) commands() []command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]command(nil), r.calls...)
}

func (r *recorder) count(sub string) int {
	n := 0
	for _, c := range r.commands() {
		if subcommand(c.args) == sub {
			n++
		}
	}
	return n
}

// newTestChecker builds a Checker over the real git binary, recorded. A
// zero CacheDir gets a fresh temporary one.
func newTestChecker(t *testing.T, cfg Config) (*Checker, *recorder) {
	t.Helper()
	path, err := exec.LookPath("git")
	require.NoError(t, err)
	if cfg.CacheDir == "" {
		cfg.CacheDir = t.TempDir()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	rec := &recorder{next: execRunner{path: path}, inFlight: map[string]int{}}
	c, err := newChecker(cfg, rec)
	require.NoError(t, err)
	return c, rec
}
