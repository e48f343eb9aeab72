package git

import (
	"context"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConcurrentChecksOnOneMirrorSerialiseFetches(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.branch("feature/a", "main")
	head := f.commit("Alice", "a.txt", "a\n", "a")
	f.push("feature/a")

	path, err := exec.LookPath("git")
	require.NoError(t, err)
	rec := &recorder{next: execRunner{path: path}, inFlight: map[string]int{}, fetchDelay: 20 * time.Millisecond}
	// Two checkers on one cache directory stand for two processes: they
	// share no mutex, only the lock file.
	cfg := Config{CacheDir: t.TempDir(), Timeout: 30 * time.Second}
	checkers := make([]*Checker, 2)
	for i := range checkers {
		checkers[i], err = newChecker(cfg, rec)
		require.NoError(t, err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := checkers[i%2].Inspect(context.Background(), query(f, "feature/a"))
			if err == nil && rep.Commit != head {
				err = assert.AnError
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 6, rec.count("fetch"))
	assert.Equal(t, 1, rec.maxFetch, "fetches into one mirror never overlap")
	assert.Equal(t, 1, rec.count("init"), "the mirror is created once")
}

func TestFileLockExcludesAnotherHolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.git.lock")
	held, err := lockFile(context.Background(), path, time.Minute)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = lockFile(ctx, path, time.Minute)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a second open file cannot take a held lock")

	require.NoError(t, held.unlock())
	again, err := lockFile(context.Background(), path, time.Minute)
	require.NoError(t, err)
	require.NoError(t, again.unlock())
}

func TestWaitingForABusyMirrorHonoursContext(t *testing.T) {
	t.Parallel()
	c, _ := newTestChecker(t, Config{})
	dir := filepath.Join(c.cfg.CacheDir, "m.git")
	unlock, err := c.lockMirror(context.Background(), dir)
	require.NoError(t, err)
	defer unlock()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.lockMirror(ctx, dir)
	require.ErrorIs(t, err, context.Canceled)
}
