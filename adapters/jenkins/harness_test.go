package jenkins

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dingops/dingops/adapters/jenkins/jenkinsemu"
	"github.com/dingops/dingops/core"
)

const (
	testToken = "s3cret-api-token"
	imageRef  = "registry.example.com/team/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	commitSHA = "89abcdef0123456789abcdef0123456789abcdef"
)

var artifactJSON = []byte(`{"kind":"container","image":"` + imageRef + `","commit":"` + commitSHA +
	`","commits":[{"sha":"` + commitSHA + `","author":"lilei","subject":"fix login"}]}`)

// env is one emulator and a builder wired to it.
type env struct {
	t    *testing.T
	emu  *jenkinsemu.Server
	cfg  Config
	b    *Builder
	logs *syncBuffer // the builder's slog output
}

func newEnv(t *testing.T, opts jenkinsemu.Options, jobs ...string) *env {
	t.Helper()
	if opts.Users == nil {
		opts.Users = map[string]string{"dingops": testToken}
	}
	emu := jenkinsemu.New(opts)
	require.NoError(t, emu.Start())
	t.Cleanup(func() { _ = emu.Close() })
	for _, j := range jobs {
		require.NoError(t, emu.AddJob(j, jenkinsemu.JobOptions{Outcome: jenkinsemu.Outcome{Artifact: artifactJSON}}))
	}
	logs := &syncBuffer{}
	cfg := Config{URL: emu.URL(), User: "dingops", Token: testToken, RequestTimeout: 5 * time.Second,
		PollInterval: time.Millisecond, PollMax: 4 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	e := &env{t: t, emu: emu, cfg: cfg, logs: logs}
	e.b = e.builder()
	t.Cleanup(func() { require.NotContains(t, logs.String(), testToken, "the API token leaked into the logs") })
	return e
}

// builder makes a fresh Builder with the env's configuration, as a
// restarted worker would.
func (e *env) builder() *Builder {
	b, err := New(e.cfg)
	require.NoError(e.t, err)
	return b
}

func request(job string, id core.ReleaseID) core.BuildRequest {
	return core.BuildRequest{App: "web", Job: job, Branch: "feature/login", Commit: commitSHA,
		ReleaseID: id, Version: 57, Requester: "lilei"}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// waitAsync runs Wait in the background.
func (e *env) waitAsync(ctx context.Context, b *Builder, ref string, log *syncBuffer) <-chan waitResult {
	ch := make(chan waitResult, 1)
	go func() {
		res, err := b.Wait(ctx, ref, log)
		ch <- waitResult{res, err}
	}()
	return ch
}

type waitResult struct {
	res core.BuildResult
	err error
}

// running waits until the job has a running build number n.
func (e *env) running(job string, n int) {
	e.t.Helper()
	require.Eventually(e.t, func() bool {
		b, ok := e.emu.Build(job, n)
		return ok && b.Building
	}, 10*time.Second, time.Millisecond)
}

// requests lists "METHOD path status" of the requests the emulator got
// whose path contains part.
func (e *env) requests(part string) []string {
	var out []string
	for _, r := range e.emu.Requests() {
		if strings.Contains(r.Path, part) {
			out = append(out, r.Method+" "+r.Path+" "+strconv.Itoa(r.Status))
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
