package local

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sys/windows"
)

// drives lists the drive letters whose type is DRIVE_REMOVABLE (USB
// sticks and SD cards; USB hard disks report as fixed and are not listed).
func (d Detector) drives(ctx context.Context) ([]Drive, error) {
	buf := make([]uint16, 256)
	n, err := windows.GetLogicalDriveStrings(uint32(len(buf)), &buf[0])
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	space := d.space()
	var drives []Drive
	for _, root := range strings.Split(windows.UTF16ToString(buf[:n]), "\x00") {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if root == "" {
			continue
		}
		p, err := windows.UTF16PtrFromString(root)
		if err != nil || windows.GetDriveType(p) != windows.DRIVE_REMOVABLE {
			continue
		}
		label := make([]uint16, windows.MAX_PATH+1)
		fsName := make([]uint16, windows.MAX_PATH+1)
		if err := windows.GetVolumeInformation(p, &label[0], uint32(len(label)), nil, nil, nil, &fsName[0], uint32(len(fsName))); err != nil {
			continue // no medium in the slot
		}
		total, free, err := space(root)
		if err != nil {
			continue
		}
		name := windows.UTF16ToString(label)
		if name == "" {
			name = strings.TrimSuffix(root, `\`)
		}
		drives = append(drives, Drive{
			Label:      name,
			MountPoint: root,
			Device:     strings.TrimSuffix(root, `\`),
			FSType:     strings.ToLower(windows.UTF16ToString(fsName)),
			Size:       total,
			Free:       free,
			Removable:  true,
		})
	}
	return drives, nil
}
