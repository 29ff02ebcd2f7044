package diskspace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Of returns the total and available bytes of the file system holding
// path.
func Of(path string) (total, free int64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	return int64(st.Blocks) * int64(st.Bsize), int64(st.Bavail) * int64(st.Bsize), nil
}
