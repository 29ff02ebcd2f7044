package local

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf16"
)

// winVolume is what Windows says about one drive letter (see drives in
// detect_windows.go, which asks).
type winVolume struct {
	Root      string // e.g. `E:\`
	Removable bool   // GetDriveType says DRIVE_REMOVABLE
	HasMedium bool   // GetVolumeInformation succeeded: a card is in the slot
	Label     string // the volume label, maybe ""
	FSName    string // e.g. "FAT32", "exFAT", "NTFS"
	Serial    uint32 // the volume's serial number; 0 when unknown
}

// driveRoots decodes GetLogicalDriveStrings' answer, UTF-16 roots each
// ended by a NUL (`C:\` NUL `E:\` NUL), into the roots. (UTF16ToString
// would stop at the first NUL and find only C:.)
func driveRoots(buf []uint16) []string {
	var roots []string
	for _, r := range strings.Split(string(utf16.Decode(buf)), "\x00") {
		if r != "" {
			roots = append(roots, r)
		}
	}
	return roots
}

// winDrives decides which of vols are drives to back up to: removable
// drive letters (USB sticks and SD cards) with a medium in them. USB hard
// disks report themselves as fixed disks and are not listed. A volume
// without a label is called by its letter.
func winDrives(ctx context.Context, vols []winVolume, space func(string) (int64, int64, error)) ([]Drive, error) {
	var drives []Drive
	for _, v := range vols {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !v.Removable || !v.HasMedium {
			continue
		}
		total, free, err := space(v.Root)
		if err != nil {
			continue
		}
		letter := strings.TrimSuffix(v.Root, `\`)
		label := v.Label
		if label == "" {
			label = letter
		}
		drv := Drive{
			Label:      label,
			MountPoint: v.Root,
			Device:     letter,
			FSType:     strings.ToLower(v.FSName),
			Size:       total,
			Free:       free,
			Removable:  true,
		}
		if v.Serial != 0 {
			// Written as Linux's blkid writes a FAT or exFAT serial.
			drv.UUID = fmt.Sprintf("%04X-%04X", v.Serial>>16, v.Serial&0xffff)
		}
		drives = append(drives, drv)
	}
	return drives, nil
}
