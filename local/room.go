package local

import (
	"fmt"

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
	need := humanBytes(size)
	if spare > 0 {
		need += " (plus " + humanBytes(spare) + " to spare)"
	}
	return fmt.Errorf("not enough room in %s: the backup needs %s, the drive has %s free: %w",
		dir, need, humanBytes(free), destinations.ErrNoSpace)
}

// driveMargin is the room kept free on a drive beyond the backup's size,
// for the file system's own bookkeeping: 1 MiB plus 1%.
func driveMargin(size int64) int64 {
	return 1<<20 + size/100
}

// humanBytes formats n as "512 B", "3.4 MiB", "1.2 GiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
