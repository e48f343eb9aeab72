//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// fileLock is a lock file created atomically (O_EXCL), for systems without
// flock(2). A holder that died leaves the file behind, so a file older than
// staleAfter (longer than any holder may hold it) is taken over.
type fileLock struct{ path string }

func lockFile(ctx context.Context, path string, staleAfter time.Duration) (*fileLock, error) {
	wait := 5 * time.Millisecond
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
			return &fileLock{path: path}, f.Close()
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("creating lock file: %w", err)
		}
		if st, err := os.Stat(path); err == nil && time.Since(st.ModTime()) > staleAfter {
			_ = os.Remove(path)
			continue
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

func (l *fileLock) unlock() error { return os.Remove(l.path) }
