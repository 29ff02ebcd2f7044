package local

import (
	"context"
	"slices"
	"strings"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/diskspace"
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
	// UUID is the file system's UUID (on FAT and exFAT its volume serial
	// number, such as "4A1C-9F02"), "" when the system does not say it:
	// on Linux udev's dev/disk/by-uuid links, on Windows the volume's
	// serial number; macOS is not asked.
	UUID string
}

// ID tells the drive from other drives across unplugging, plugging into
// another port and mounting elsewhere, for a record of what it holds:
// "uuid:" and its UUID, which formatting sets and which differs from
// stick to stick even when their labels and mount points are the same
// (two sticks rotated under one label); else "label:" and its label (or
// its mount point's name), which two such sticks share. The device name
// (sdb1) is no identity: it follows the order drives are plugged in.
func (d Drive) ID() string {
	if d.UUID != "" {
		return "uuid:" + d.UUID
	}
	return "label:" + d.Label
}

// Named is the drive as ID tells it, in words for people: its label
// and, when known, its UUID (what lsblk -f, or Windows as the volume's
// serial number, shows), e.g. "WALLETS (UUID 4A1C-9F02)"; else its label.
// A log line about a stick taken in turns says which stick with it.
func (d Drive) Named() string {
	if d.UUID != "" {
		return d.Label + " (UUID " + d.UUID + ")"
	}
	return d.Label
}

// String describes the drive for people, e.g.
// "WALLETS (/media/ana/WALLETS, vfat, 3.2 GiB free of 7.5 GiB)".
func (d Drive) String() string {
	s := d.Label + " (" + d.MountPoint + ", " + d.FSType
	if d.Size > 0 { // some FUSE file systems do not report their size
		s += ", " + bytesize.Format(d.Free) + " free of " + bytesize.Format(d.Size)
	}
	return s + ")"
}

// DriveSpec is the --dest spec that finds drv again among drives (the
// drives plugged in with it): "usb:LABEL", unless the drive has no label
// or another of drives has the same one, then "usb:MOUNTPOINT". Every spec
// cakebackup shows for a drive comes from here.
func DriveSpec(drv Drive, drives []Drive) string {
	if drv.Label == "" {
		return "usb:" + drv.MountPoint
	}
	for _, d := range drives {
		if d.Label == drv.Label && d.MountPoint != drv.MountPoint {
			return "usb:" + drv.MountPoint
		}
	}
	return "usb:" + drv.Label
}

// Detector finds removable drives. Its zero value looks at the running
// system; tests point its roots at fixture trees.
type Detector struct {
	ProcRoot string // where proc/self/mountinfo is found; "" means "/"
	SysRoot  string // where sys/dev/block and sys/class/block are found; "" means "/"
	DevRoot  string // where dev/disk/by-label and by-uuid are found; "" means "/"
	RunRoot  string // where run/udev/data is found; "" means "/"
	// MountRoots are where desktops mount removable media; a mount below
	// one whose device cannot be classified (no sysfs entry) still counts
	// as removable. nil means /media and /run/media/$USER. On macOS they
	// are where volumes are listed; nil means /Volumes.
	MountRoots []string
	Getenv     func(string) string // nil means an empty environment
	// Space reports a mounted file system's total and available bytes;
	// nil means the real statfs.
	Space func(path string) (total, free int64, err error)
}

// Drives returns the mounted removable drives, sorted by mount point.
// Drives whose free space cannot be read (gone, or not readable) are left
// out.
func (d Detector) Drives(ctx context.Context) ([]Drive, error) {
	drives, err := d.drives(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(drives, func(a, b Drive) int { return strings.Compare(a.MountPoint, b.MountPoint) })
	return drives, nil
}

// space returns d.Space, or the real statfs.
func (d Detector) space() func(string) (int64, int64, error) {
	if d.Space != nil {
		return d.Space
	}
	return diskspace.Of
}
