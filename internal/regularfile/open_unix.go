//go:build unix

package regularfile

import (
	"os"
	"syscall"
)

// open opens path for reading without waiting: O_NONBLOCK makes opening
// a FIFO that has no writer return at once (fifo(7)) where a plain open
// waits for one, and O_NOCTTY keeps a terminal opened by mistake from
// becoming the process's controlling terminal. O_NONBLOCK is cleared
// once the file is known to be regular (blocking).
func open(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}

// blocking clears the O_NONBLOCK open set, so that the file is read as
// any other is: a FUSE file system is handed the flag with each read
// and may answer one it cannot serve at once with EAGAIN, which Go,
// which cannot wait on a regular file, would return as the read's error.
func blocking(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
