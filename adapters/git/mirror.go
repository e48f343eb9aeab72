package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// heads are the commits a check works on, resolved while the mirror was
// locked; later steps use these ids, so a concurrent fetch cannot change
// what they see.
type heads struct {
	main   string
	branch string // "" when the branch does not exist
}

// sync brings the mirror up to date and resolves both branches.
func (c *Checker) sync(ctx context.Context, r remote, branch, mainBranch string) (heads, error) {
	unlock, err := c.lockMirror(ctx, r.dir)
	if err != nil {
		return heads{}, err
	}
	defer unlock()
	if err := c.ensureMirror(ctx, r.dir); err != nil {
		return heads{}, err
	}
	if err := c.fetch(ctx, r); err != nil {
		return heads{}, err
	}
	var h heads
	if h.main, err = c.resolve(ctx, r.dir, "refs/heads/"+mainBranch); err != nil {
		return heads{}, err
	}
	if h.main == "" {
		return heads{}, fmt.Errorf("main branch %q does not exist", mainBranch)
	}
	if h.branch, err = c.resolve(ctx, r.dir, "refs/heads/"+branch); err != nil {
		return heads{}, err
	}
	return h, nil
}

// lockMirror serialises work on one mirror: a one-slot semaphore within
// this process (so waiting honours ctx), then a file lock shared with other
// processes using the same cache directory.
func (c *Checker) lockMirror(ctx context.Context, dir string) (func(), error) {
	c.mu.Lock()
	sem, ok := c.mirrors[dir]
	if !ok {
		sem = make(chan struct{}, 1)
		c.mirrors[dir] = sem
	}
	c.mu.Unlock()
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for mirror lock: %w", ctx.Err())
	}
	// A holder keeps the lock for a few commands; the no-flock fallback
	// treats a lock file older than that as left by a dead process.
	fl, err := lockFile(ctx, dir+".lock", 4*c.cfg.Timeout+time.Minute)
	if err != nil {
		<-sem
		return nil, fmt.Errorf("locking mirror: %w", err)
	}
	return func() {
		if err := fl.unlock(); err != nil {
			c.log.Warn("unlocking mirror", "dir", dir, "err", err)
		}
		<-sem
	}, nil
}

// ensureMirror creates the bare mirror on first use. No remote is
// configured in it: every fetch names the URL, so the mirror's config never
// holds a URL or a credential.
func (c *Checker) ensureMirror(ctx context.Context, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("opening mirror: %w", err)
	}
	_, err := c.runOK(ctx, c.cfg.CacheDir, "init", "--bare", "--quiet", "--template=",
		"--initial-branch=main", "--", dir)
	if err != nil {
		return fmt.Errorf("creating mirror: %w", err)
	}
	return nil
}

// fetch updates every branch of the mirror, dropping deleted ones.
func (c *Checker) fetch(ctx context.Context, r remote) error {
	env, secrets, err := c.fetchEnv(r)
	if err != nil {
		return err
	}
	args := []string{"-c", "gc.autoDetach=false", "fetch", "--prune", "--no-tags", "--quiet",
		"--no-write-fetch-head", "--", r.url, "+refs/heads/*:refs/heads/*"}
	res, err := c.runSecret(ctx, r.dir, env, secrets, args...)
	if err == nil && res.code != 0 {
		err = exitError(res, args)
	}
	if err != nil {
		return fmt.Errorf("fetching: %w", err)
	}
	return nil
}

// resolve returns the commit a ref points at, or "" when there is none.
// Callers pass full ref names or commit ids they validated, never raw input.
func (c *Checker) resolve(ctx context.Context, dir, rev string) (string, error) {
	args := []string{"rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"}
	res, err := c.run(ctx, dir, c.baseEnv(), args...)
	switch {
	case err != nil:
		return "", fmt.Errorf("resolving %s: %w", rev, err)
	case res.code == 1:
		return "", nil
	case res.code != 0:
		return "", fmt.Errorf("resolving %s: %w", rev, exitError(res, args))
	}
	return strings.TrimSpace(string(res.stdout)), nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
