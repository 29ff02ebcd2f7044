// Package filelock takes advisory, exclusive locks on open files, the
// same way on every OS cakebackup runs on: flock(2) on Unix, LockFileEx
// on Windows. A lock lives as long as the *os.File it was taken on and is
// released when that file is closed, including when its process dies, so
// a lock that can be taken means its last holder is gone.
package filelock

import (
	"errors"
	"os"
)

// ErrLocked is returned by TryLock when another open file holds the lock.
var ErrLocked = errors.New("locked by another process")

// TryLock takes an exclusive lock on f without waiting; it returns
// ErrLocked when another open file holds one.
func TryLock(f *os.File) error { return lock(f, false) }

// Lock takes an exclusive lock on f, waiting for its holder to let go.
func Lock(f *os.File) error { return lock(f, true) }
