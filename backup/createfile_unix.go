//go:build unix

package backup

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// createExclusive creates path (0600) for writing, failing if it exists.
// It opens the file with open(2) itself: os.OpenFile would also switch
// the descriptor to non-blocking and try to register it with the poller,
// three system calls per file that a restore of many small files feels.
func createExclusive(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o600)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

// removedDir reports whether the folder f has open was removed (it has no
// links left), rather than moved or made unreachable by an unmount.
func removedDir(f *os.File) bool {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return st.Nlink == 0
}

// deviceOf returns the device of the file system holding fi's file.
func deviceOf(fi os.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true
}
