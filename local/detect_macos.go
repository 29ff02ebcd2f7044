package local

import (
	"context"
	"strings"
)

// macVolume is what macOS says about one entry of a mount root such as
// /Volumes (see drives in detect_darwin.go, which asks).
type macVolume struct {
	Name  string // the entry's name, shown as the drive's label
	Path  string // root/Name
	IsDir bool
	Boot  bool // the same folder as "/", the startup disk's link
	// What statfs says of Path; MountedOn is "" when statfs failed.
	MountedOn, From, FSType string
}

// macDrives decides which of vols are drives to back up to: folders that
// are mount points of their own (not the boot volume, not a plain folder
// someone made under /Volumes) with a local disk behind them (/dev/disk*;
// network shares such as smbfs //ana@nas/share also mount under /Volumes,
// but are not drives). Without IOKit it cannot tell a USB stick from a
// second internal disk, so every such volume counts as removable.
func macDrives(ctx context.Context, vols []macVolume, space func(string) (int64, int64, error)) ([]Drive, error) {
	var drives []Drive
	for _, v := range vols {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !v.IsDir || v.Boot || v.MountedOn != v.Path || !strings.HasPrefix(v.From, "/dev/disk") {
			continue
		}
		total, free, err := space(v.Path)
		if err != nil {
			continue
		}
		drives = append(drives, Drive{
			Label:      v.Name,
			MountPoint: v.Path,
			Device:     v.From,
			FSType:     v.FSType,
			Size:       total,
			Free:       free,
			Removable:  true,
		})
	}
	return drives, nil
}
