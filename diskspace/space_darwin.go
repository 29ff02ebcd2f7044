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

// FreeFiles returns how many more files and folders the file system
// holding path can make (its free inodes), and false where it does not
// count them.
func FreeFiles(path string) (free int64, known bool, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, false, fmt.Errorf("statfs %s: %w", path, err)
	}
	if st.Files == 0 {
		return 0, false, nil
	}
	return int64(st.Ffree), true, nil
}
