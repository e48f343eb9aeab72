package git

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/core"
)

const testToken = "s3cr3t-t0ken-value"

// gitHTTPServer serves the fixture's remote with git http-backend (the
// smart HTTP server git ships) behind HTTP Basic auth.
func gitHTTPServer(t *testing.T, f *fixture, user, token string) string {
	t.Helper()
	backend := &cgi.Handler{
		Path: filepath.Join(f.git(f.work, "--exec-path"), "git-http-backend"),
		Env: []string{"GIT_PROJECT_ROOT=" + filepath.Dir(f.remote), "GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/" + filepath.Base(f.remote)
}

func envMap(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := m[name]; ok {
			return v, true
		}
		if name == "PATH" || name == "HOME" {
			return os.LookupEnv(name)
		}
		return "", false
	}
}

func TestTokenAuthKeepsTheTokenOffDiskArgvAndErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	url := gitHTTPServer(t, f, "bot", testToken)
	basic := base64.StdEncoding.EncodeToString([]byte("bot:" + testToken))
	cache := t.TempDir()
	cfg := Config{CacheDir: cache, Repos: map[string]RepoAuth{url: {TokenEnv: "REPO_TOKEN", User: "bot"}},
		LookupEnv: envMap(map[string]string{"REPO_TOKEN": testToken})}
	c, rec := newTestChecker(t, cfg)
	q := query(f, "main")
	q.Repo = url

	rep, err := c.Inspect(context.Background(), q)
	require.NoError(t, err, "the token authenticates the fetch")
	assert.True(t, rep.Exists)

	require.NoError(t, filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.NotContains(t, string(b), testToken, path)
		assert.NotContains(t, string(b), basic, path)
		return nil
	}))
	for _, cmd := range rec.commands() {
		assert.NotContains(t, strings.Join(cmd.args, " "), testToken)
		env := strings.Join(cmd.env, "\n")
		if subcommand(cmd.args) == "fetch" {
			assert.Contains(t, env, "GIT_CONFIG_VALUE_0=Authorization: Basic "+basic)
		} else {
			assert.NotContains(t, env, basic, "only the fetch carries the credential")
		}
	}

	c.cfg.LookupEnv = envMap(map[string]string{"REPO_TOKEN": "wrong-" + testToken})
	_, err = c.Inspect(context.Background(), q)
	require.Error(t, err)
	assert.Contains(t, err.Error(), url, "the error names the repository")
	assert.NotContains(t, err.Error(), testToken)
}

func TestCredentialsInURLAreRefusedAndNotRepeated(t *testing.T) {
	t.Parallel()
	c, rec := newTestChecker(t, Config{})
	q := repoQuery("https://bot:" + testToken + "@git.example.com/org/web.git")
	_, err := c.Inspect(context.Background(), q)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testToken)
	assert.Contains(t, err.Error(), "https://git.example.com/org/web.git")

	q.Repo = "https://" + testToken + "@git.example.com/org/web.git"
	_, err = c.Inspect(context.Background(), q)
	require.Error(t, err, "a token as user name is refused too")
	assert.NotContains(t, err.Error(), testToken)
	assert.Empty(t, rec.commands())
}

func TestMissingCredentialVariableFailsAtStart(t *testing.T) {
	t.Parallel()
	_, err := New(Config{CacheDir: t.TempDir(), LookupEnv: envMap(nil),
		Repos: map[string]RepoAuth{"https://git.example.com/web.git": {TokenEnv: "NOT_SET"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NOT_SET")
}

func TestSSHKeyIsOfferedAlone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bin := t.TempDir()
	logPath := filepath.Join(bin, "ssh.log")
	// A stand-in for ssh, as git's own test suite uses: it records its
	// arguments and runs the remote command locally.
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> " + shellQuote(logPath) +
		"; done\nfor a in \"$@\"; do last=$a; done\nexec sh -c \"$last\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "ssh"), []byte(script), 0o755))
	url := "ssh://git@fakehost" + f.remote
	key := "/keys/it's the key"
	c, _ := newTestChecker(t, Config{
		Repos: map[string]RepoAuth{url: {SSHKeyEnv: "DEPLOY_KEY", StrictHostKeyChecking: "accept-new",
			KnownHostsFile: "/etc/dingops/known_hosts"}},
		LookupEnv: envMap(map[string]string{"DEPLOY_KEY": key, "PATH": bin + ":" + os.Getenv("PATH")}),
	})
	q := query(f, "main")
	q.Repo = url

	rep, err := c.Inspect(context.Background(), q)
	require.NoError(t, err)
	assert.True(t, rep.Exists)
	logged, err := os.ReadFile(logPath)
	require.NoError(t, err)
	args := strings.Split(strings.TrimSpace(string(logged)), "\n")
	for _, want := range []string{"BatchMode=yes", "StrictHostKeyChecking=accept-new",
		"UserKnownHostsFile=/etc/dingops/known_hosts", "-i", key, "IdentitiesOnly=yes", "git@fakehost"} {
		assert.Contains(t, args, want)
	}
}

func TestHungFetchTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, _ := newTestChecker(t, Config{Timeout: 300 * time.Millisecond})

	_, err := c.Inspect(context.Background(), repoQuery(srv.URL+"/web.git"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timed out")
	assert.Contains(t, err.Error(), srv.URL+"/web.git")
}

func TestGitBinaryMustExist(t *testing.T) {
	t.Parallel()
	_, err := New(Config{CacheDir: t.TempDir(), GitPath: filepath.Join(t.TempDir(), "no-git")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no-git")
}

func repoQuery(repo string) core.BranchQuery {
	return core.BranchQuery{App: "web", Repo: repo, Branch: "main", MainBranch: "main"}
}

func TestGitRunsInACleanEnvironment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, rec := newTestChecker(t, Config{PassEnv: []string{"LC_ALL", "GIT_CONFIG_COUNT", "HTTPS_PROXY"},
		LookupEnv: envMap(map[string]string{"LC_ALL": "de_DE.UTF-8", "GIT_CONFIG_COUNT": "9",
			"HTTPS_PROXY": "http://proxy:3128", "AWS_SECRET_ACCESS_KEY": "nope"})})
	_, err := c.Inspect(context.Background(), query(f, "main"))
	require.NoError(t, err)

	last := func(env []string, key string) (string, bool) {
		v, found := "", false
		for _, kv := range env {
			if k, val, _ := strings.Cut(kv, "="); k == key {
				v, found = val, true
			}
		}
		return v, found
	}
	require.NotEmpty(t, rec.commands())
	for _, cmd := range rec.commands() {
		for key, want := range map[string]string{"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0",
			"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.DevNull, "HTTPS_PROXY": "http://proxy:3128"} {
			got, _ := last(cmd.env, key)
			assert.Equal(t, want, got, "%s in git %v", key, cmd.args)
		}
		_, found := last(cmd.env, "AWS_SECRET_ACCESS_KEY")
		assert.False(t, found, "unlisted variables stay out")
		_, found = last(cmd.env, "GIT_CONFIG_COUNT")
		assert.False(t, found, "config cannot be injected through PassEnv")
	}
}
