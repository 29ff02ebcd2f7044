package proton

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cakebackup/cakebackup/filelock"
)

// lockPoll is how often a busy session lock is tried again.
const lockPoll = 20 * time.Millisecond

// lockFile takes an exclusive lock on the file at path (created 0600 in a
// 0700 folder), waiting until it is free or ctx is done, and returns the
// function that releases it. The lock is the operating system's
// (package filelock), so it ends with the process, and two processes, or
// two opens in one process, exclude each other. It is tried rather than
// waited for, so that ctx can end the wait.
func lockFile(ctx context.Context, path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("locking the Proton session: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking the Proton session: %w", err)
	}
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		err := filelock.TryLock(f)
		if err == nil {
			return func() { _ = filelock.Release(f) }, nil
		}
		if !errors.Is(err, filelock.ErrLocked) {
			_ = f.Close()
			return nil, fmt.Errorf("locking the Proton session %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("waiting for another cakebackup to finish renewing the Proton session: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// tryLockFile is lockFile without the wait: ok is false when another
// holder has the lock, or it cannot be taken.
func tryLockFile(path string) (unlock func(), ok bool) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false
	}
	if err := filelock.TryLock(f); err != nil {
		_ = f.Close()
		return nil, false
	}
	return func() { _ = filelock.Release(f) }, true
}
