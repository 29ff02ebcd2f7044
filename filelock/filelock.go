// Package filelock takes advisory, exclusive locks on open files, the
// same way on every OS cakebackup runs on: flock(2) on Unix, LockFileEx
// on Windows. A lock lives as long as the *os.File it was taken on and is
// released by Release, or when every descriptor of that open file is
// closed, including when its process dies, so a lock that can be taken
// means its last holder is gone.
//
// Release rather than Close lets go of a lock: a child process started by
// any goroutine at that moment holds a copy of every descriptor until it
// executes its program, and closing only our copy would leave the lock
// held until then, so a TryLock right after would wrongly find it busy.
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

// Release unlocks f and closes it. The lock is dropped even while a child
// process being started elsewhere in this process still holds a copy of
// f's descriptor.
func Release(f *os.File) error {
	uerr := unlock(f)
	cerr := f.Close()
	if uerr != nil {
		return uerr
	}
	return cerr
}
