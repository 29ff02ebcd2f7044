package diskspace

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// Of returns the total and available bytes of the volume holding path.
func Of(path string) (total, free int64, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, 0, err
	}
	var avail, size, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &size, &totalFree); err != nil {
		return 0, 0, fmt.Errorf("free space of %s: %w", path, err)
	}
	return int64(size), int64(avail), nil
}

// FreeFiles reports unknown: NTFS and FAT have no fixed count of files
// to run out of.
func FreeFiles(path string) (free int64, known bool, err error) { return 0, false, nil }
