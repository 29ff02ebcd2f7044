package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// drives joins the mount table with sysfs (and udev's records, for the
// real type of FUSE file systems): a mounted block device counts
// when its disk says it is removable, is an SD card, or hangs off a USB
// bus. Loop and other virtual devices, CD/DVD drives, the root and boot
// file systems and internal disks are left out; a device mounted twice
// (a bind mount) is listed once, at its whole-file-system mount.
func (d Detector) drives(ctx context.Context) ([]Drive, error) {
	mountinfo := filepath.Join(rootOr(d.ProcRoot), "proc/self/mountinfo")
	f, err := os.Open(mountinfo)
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	mounts, err := parseMountinfo(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the mount table %s: %w", mountinfo, err)
	}
	labels := d.byDevice("dev/disk/by-label")
	uuids := d.byDevice("dev/disk/by-uuid")
	roots := d.mediaRoots()
	type candidate struct {
		drive     Drive
		wholeFS   bool // the mount shows the file system's root, not a bind of a subfolder
		deviceKey string
	}
	var found []candidate
	byDevice := map[string]int{}
	for _, m := range mounts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if isSystemMount(m.MountPoint) {
			continue
		}
		var drv Drive
		if blk, ok := d.blockDevice(m); ok {
			if blk.virtual || blk.optical || !(blk.removable || blk.usb) {
				continue
			}
			drv = Drive{Device: "/dev/" + blk.name, USB: blk.usb, Removable: blk.removable}
		} else {
			if !underAny(m.MountPoint, roots) || !strings.HasPrefix(m.Source, "/dev/") || strings.HasPrefix(m.Source, "/dev/loop") {
				continue
			}
			drv = Drive{Device: m.Source, Removable: true}
		}
		drv.MountPoint = m.MountPoint
		drv.FSType = m.FSType
		if strings.HasPrefix(m.FSType, "fuse") && m.Major != 0 {
			// FUSE hides the real file system (exFAT, NTFS, FAT); udev
			// knows it, and the FAT file-size limit depends on it.
			if t := d.udevFSType(m.Major, m.Minor); t != "" {
				drv.FSType = t
			}
		}
		drv.Label = labels[filepath.Base(drv.Device)]
		drv.UUID = uuids[filepath.Base(drv.Device)]
		if drv.Label == "" {
			drv.Label = filepath.Base(m.MountPoint)
		}
		c := candidate{drive: drv, wholeFS: m.Root == "/", deviceKey: drv.Device}
		if i, dup := byDevice[c.deviceKey]; dup {
			if c.wholeFS && !found[i].wholeFS {
				found[i] = c
			}
			continue
		}
		byDevice[c.deviceKey] = len(found)
		found = append(found, c)
	}
	space := d.space()
	var drives []Drive
	for _, c := range found {
		total, free, err := space(c.drive.MountPoint)
		if err != nil {
			continue
		}
		c.drive.Size, c.drive.Free = total, free
		drives = append(drives, c.drive)
	}
	return drives, nil
}

// blockInfo is what sysfs says about a mounted block device.
type blockInfo struct {
	name      string // the device itself, e.g. "sdb1"
	removable bool   // its disk's removable flag is set, or it is an SD card
	usb       bool   // its disk is attached over USB
	virtual   bool   // loop, device-mapper, RAM disks...
	optical   bool   // a CD or DVD drive
}

// blockDevice finds m's device in sysfs, by device number or else (for
// file systems such as btrfs that report an anonymous number) by the
// mount source's name.
func (d Detector) blockDevice(m mount) (blockInfo, bool) {
	sys := filepath.Join(rootOr(d.SysRoot), "sys")
	resolved := ""
	if m.Major != 0 {
		link := filepath.Join(sys, "dev/block", strconv.Itoa(m.Major)+":"+strconv.Itoa(m.Minor))
		resolved, _ = filepath.EvalSymlinks(link)
	}
	if name, ok := strings.CutPrefix(m.Source, "/dev/"); resolved == "" && ok && !strings.Contains(name, "/") {
		resolved, _ = filepath.EvalSymlinks(filepath.Join(sys, "class/block", name))
	}
	if resolved == "" {
		return blockInfo{}, false
	}
	disk := resolved
	if _, err := os.Stat(filepath.Join(resolved, "partition")); err == nil {
		disk = filepath.Dir(resolved)
	}
	sysReal, err := filepath.EvalSymlinks(sys)
	if err != nil {
		return blockInfo{}, false
	}
	rel := "/" + strings.TrimPrefix(strings.TrimPrefix(disk, sysReal), "/")
	diskName := filepath.Base(disk)
	return blockInfo{
		name:      filepath.Base(resolved),
		removable: readTrimmed(filepath.Join(disk, "removable")) == "1" || readTrimmed(filepath.Join(disk, "device/type")) == "SD",
		usb:       strings.Contains(rel, "/usb"),
		virtual:   strings.HasPrefix(rel, "/devices/virtual/") || strings.HasPrefix(diskName, "loop"),
		optical:   strings.HasPrefix(diskName, "sr"),
	}, true
}

// byDevice maps device names ("sdb1") to the names of udev's links to
// them in dir under DevRoot: dev/disk/by-label gives volume labels,
// dev/disk/by-uuid file system UUIDs.
func (d Detector) byDevice(dir string) map[string]string {
	dir = filepath.Join(rootOr(d.DevRoot), dir)
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	names := map[string]string{}
	for _, de := range des {
		target, err := os.Readlink(filepath.Join(dir, de.Name()))
		if err != nil {
			continue
		}
		names[filepath.Base(target)] = unescapeUdev(de.Name())
	}
	return names
}

// udevFSType returns the file system type udev's blkid probe found on
// block device major:minor, or "" when udev has no record of it.
func (d Detector) udevFSType(major, minor int) string {
	data := filepath.Join(rootOr(d.RunRoot), "run/udev/data", "b"+strconv.Itoa(major)+":"+strconv.Itoa(minor))
	b, err := os.ReadFile(data)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if t, ok := strings.CutPrefix(line, "E:ID_FS_TYPE="); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

// unescapeUdev decodes udev's \xNN escapes ("MY\x20STICK").
func unescapeUdev(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mediaRoots returns where desktops mount removable media.
func (d Detector) mediaRoots() []string {
	if d.MountRoots != nil {
		return d.MountRoots
	}
	return []string{"/media", filepath.Join("/run/media", d.getenv("USER"))}
}

// underAny reports whether path is strictly below one of roots.
func underAny(path string, roots []string) bool {
	for _, r := range roots {
		if r = filepath.Clean(r); strings.HasPrefix(path, strings.TrimSuffix(r, "/")+"/") && path != r {
			return true
		}
	}
	return false
}

// isSystemMount reports whether a mount point holds the running system,
// which is never a backup drive even when it is on an SD card.
func isSystemMount(mountPoint string) bool {
	return mountPoint == "/" || mountPoint == "/boot" || strings.HasPrefix(mountPoint, "/boot/")
}

// readTrimmed returns a small sysfs file's contents without surrounding
// space, or "" when it cannot be read.
func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// getenv returns d.Getenv(key), or "" without one.
func (d Detector) getenv(key string) string {
	if d.Getenv == nil {
		return ""
	}
	return d.Getenv(key)
}

// rootOr returns root, or "/" when it is empty.
func rootOr(root string) string {
	if root == "" {
		return "/"
	}
	return root
}
