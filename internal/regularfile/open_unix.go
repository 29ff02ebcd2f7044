//go:build unix

package regularfile

import (
	"os"
	"syscall"
)

// open opens path for reading without waiting: O_NONBLOCK makes opening
// a FIFO that has no writer return at once (fifo(7)) where a plain open
// waits for one, and O_NOCTTY keeps a terminal opened by mistake from
// becoming the process's controlling terminal. Neither changes how a
// regular file is read: O_NONBLOCK has no effect on one.
func open(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
