//go:build unix

package schedule

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// flock takes an exclusive flock on f, returning ErrLocked when wait is
// false and another open file holds it.
func flock(f *os.File, wait bool) error {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return ErrLocked
		default:
			return err
		}
	}
}
