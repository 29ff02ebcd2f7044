package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// drives asks macOS about the entries under the mount roots (/Volumes)
// and lets macDrives choose.
func (d Detector) drives(ctx context.Context) ([]Drive, error) {
	roots := d.MountRoots
	if roots == nil {
		roots = []string{"/Volumes"}
	}
	bootInfo, err := os.Stat("/")
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	var vols []macVolume
	for _, root := range roots {
		des, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, de := range des {
			v := macVolume{Name: de.Name(), Path: filepath.Join(root, de.Name())}
			info, err := os.Stat(v.Path)
			if err != nil {
				continue
			}
			v.IsDir, v.Boot = info.IsDir(), os.SameFile(info, bootInfo)
			var st unix.Statfs_t
			if err := unix.Statfs(v.Path, &st); err == nil {
				v.MountedOn = unix.ByteSliceToString(st.Mntonname[:])
				v.From = unix.ByteSliceToString(st.Mntfromname[:])
				v.FSType = unix.ByteSliceToString(st.Fstypename[:])
			}
			vols = append(vols, v)
		}
	}
	return macDrives(ctx, vols, d.space())
}
