package local

import (
	"context"
	"errors"
)

// Drive is a mounted removable drive such as a USB stick or an SD card.
type Drive struct {
	Label      string // volume label, or the mount point's base name
	MountPoint string
	Device     string // e.g. "/dev/sdb1"
	FSType     string // e.g. "vfat", "exfat", "ext4"
	Size       int64  // bytes
	Free       int64  // bytes available to an unprivileged user
	USB        bool   // attached over USB
	Removable  bool   // the medium reports itself removable
}

// Detector finds removable drives. Its zero value looks at the running
// system; tests point its roots at fixture trees.
type Detector struct {
	ProcRoot   string   // where proc is found; "" means "/"
	SysRoot    string   // where sys is found; "" means "/"
	DevRoot    string   // where dev/disk/by-label is found; "" means "/"
	MountRoots []string // extra places removable media are mounted; nil means /media/$USER, /run/media/$USER, /media
	Getenv     func(string) string
	// Space reports a mounted file system's total and available bytes;
	// nil means the real statfs.
	Space func(path string) (total, free int64, err error)
}

// Drives returns the mounted removable drives, sorted by mount point.
func (d Detector) Drives(ctx context.Context) ([]Drive, error) {
	return nil, errors.New("drives: not implemented yet")
}
