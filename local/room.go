package local

import (
	"fmt"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/diskspace"
)

// checkRoom fails, wrapping destinations.ErrNoSpace, when the file system
// holding dir has fewer than size+spare bytes free. When the free space
// is not known it does not stand in the way: the write itself will then
// fail clearly if the drive fills up.
func checkRoom(dir string, size, spare int64) error {
	total, free, err := diskspace.Of(dir)
	if err != nil || total == 0 || size+spare <= free {
		// total is 0 where the file system does not report its size
		// (some FUSE file systems).
		return nil
	}
	need := bytesize.Format(size)
	if spare > 0 {
		need += " (plus " + bytesize.Format(spare) + " to spare)"
	}
	return fmt.Errorf("not enough room in %s: the backup needs %s, the drive has %s free: %w",
		dir, need, bytesize.Format(free), destinations.ErrNoSpace)
}

// driveMargin is the room kept free on a drive beyond the backup's size,
// for the file system's own bookkeeping: 1 MiB plus 1%.
func driveMargin(size int64) int64 {
	return 1<<20 + size/100
}
