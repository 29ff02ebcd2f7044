//go:build unix

package local

import (
	"io/fs"
	"syscall"
)

func fileNumber(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true // Dev is int32 on some systems.
}
