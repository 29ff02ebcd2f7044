//go:build unix && !linux

package local

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func renameExclusive(oldPath, newPath string) error {
	return os.Rename(oldPath, newPath)
}

// isSyncUnsupported reports whether err says the file system cannot
// flush a directory, which some cannot.
func isSyncUnsupported(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP)
}

// dropCache is a no-op here: there is no portable way to evict one
// file's pages.
func dropCache(*os.File) {}

// startWriteback is a no-op here: the flush before the read-back writes
// the whole file.
func startWriteback(*os.File, int64, int64) {}
