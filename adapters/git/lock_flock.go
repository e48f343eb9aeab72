//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// fileLock is an flock(2) lock: the kernel drops it when its holder dies,
// so a crashed process never leaves a mirror locked.
type fileLock struct{ f *os.File }

// lockFile takes an exclusive lock on path, polling so that ctx can end the
// wait (flock itself cannot be interrupted). The lock file is never removed:
// removing it would let two processes lock two different files.
func lockFile(ctx context.Context, path string, _ time.Duration) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	wait := 5 * time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &fileLock{f: f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if err := sleep(ctx, wait); err != nil {
			_ = f.Close()
			return nil, err
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

func (l *fileLock) unlock() error {
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return errors.Join(err, l.f.Close())
}
