package diskspace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Of returns the total and available bytes of the file system holding
// path, as df shows them.
func Of(path string) (total, free int64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	bs := st.Frsize
	if bs == 0 {
		bs = st.Bsize
	}
	return int64(st.Blocks) * bs, int64(st.Bavail) * bs, nil
}

// FreeFiles returns how many more files and folders the file system
// holding path can make (its free inodes), and false where it does not
// count them (FAT reports no inodes).
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
