//go:build linux || darwin

package backup

import (
	"io/fs"
	"syscall"
)

// linkCount returns how many names the file has (its hard links): 0 once
// it was deleted or renamed over while open. It is 1 where fi does not
// hold it.
func linkCount(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
