package backup

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime returns the file's status change time (ctime), which any
// write moves and which, unlike the modification time, no writer can set
// back; the zero time where fi does not hold it.
func changeTime(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Unix())
	}
	return time.Time{}
}
