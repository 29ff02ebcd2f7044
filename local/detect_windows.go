package local

import (
	"context"
	"fmt"

	"golang.org/x/sys/windows"
)

// drives asks Windows about every drive letter and lets winDrives choose.
func (d Detector) drives(ctx context.Context) ([]Drive, error) {
	buf := make([]uint16, 26*4+1) // every letter: "X:\" and a NUL
	n, err := windows.GetLogicalDriveStrings(uint32(len(buf)), &buf[0])
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	if int(n) > len(buf) {
		return nil, fmt.Errorf("reading the mount table: %d characters of drive names do not fit in %d", n, len(buf))
	}
	var vols []winVolume
	for _, root := range driveRoots(buf[:n]) {
		p, err := windows.UTF16PtrFromString(root)
		if err != nil {
			continue
		}
		v := winVolume{Root: root, Removable: windows.GetDriveType(p) == windows.DRIVE_REMOVABLE}
		if v.Removable {
			label := make([]uint16, windows.MAX_PATH+1)
			fsName := make([]uint16, windows.MAX_PATH+1)
			var serial uint32
			if err := windows.GetVolumeInformation(p, &label[0], uint32(len(label)), &serial, nil, nil, &fsName[0], uint32(len(fsName))); err == nil {
				v.HasMedium, v.Label, v.FSName, v.Serial = true, windows.UTF16ToString(label), windows.UTF16ToString(fsName), serial
			}
		}
		vols = append(vols, v)
	}
	return winDrives(ctx, vols, d.space())
}
