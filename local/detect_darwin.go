package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// drives lists the volumes under /Volumes other than the boot volume.
// Without IOKit it cannot tell a USB stick from a second internal disk, so
// every such volume counts as removable.
func (d Detector) drives(ctx context.Context) ([]Drive, error) {
	roots := d.MountRoots
	if roots == nil {
		roots = []string{"/Volumes"}
	}
	bootInfo, err := os.Stat("/")
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	space := d.space()
	var drives []Drive
	for _, root := range roots {
		des, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, de := range des {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			path := filepath.Join(root, de.Name())
			info, err := os.Stat(path)
			if err != nil || !info.IsDir() || os.SameFile(info, bootInfo) {
				continue
			}
			var st unix.Statfs_t
			if err := unix.Statfs(path, &st); err != nil || unix.ByteSliceToString(st.Mntonname[:]) != path {
				continue // not a mount point of its own
			}
			total, free, err := space(path)
			if err != nil {
				continue
			}
			drives = append(drives, Drive{
				Label:      de.Name(),
				MountPoint: path,
				Device:     unix.ByteSliceToString(st.Mntfromname[:]),
				FSType:     unix.ByteSliceToString(st.Fstypename[:]),
				Size:       total,
				Free:       free,
				Removable:  true,
			})
		}
	}
	return drives, nil
}
