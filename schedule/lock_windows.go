//go:build windows

package schedule

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// flock takes an exclusive lock on the first byte of f, returning
// ErrLocked when wait is false and another handle holds it.
func flock(f *os.File, wait bool) error {
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK)
	if !wait {
		flags |= windows.LOCKFILE_FAIL_IMMEDIATELY
	}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return ErrLocked
	}
	return err
}
