package disktest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A Disk is a file system image on a loop device, mounted.
type Disk struct {
	Dir    string // where it is mounted
	Device string // the loop device, such as /dev/loop3
}

// FAT says what FAT image MountFAT makes.
type FAT struct {
	// Size is the image's size in bytes. FAT32 needs 65525 clusters,
	// so with FAT32 it cannot be smaller than about 33 MiB.
	Size int64
	// FAT32 formats FAT32 with one sector per cluster (mkfs.vfat -F 32
	// -s 1), as sticks are; otherwise mkfs.vfat picks FAT12/16/32 for
	// the size.
	FAT32 bool
	// Label is the volume label (mkfs.vfat -n); empty for none.
	Label string
	// Usable, when not 0, marks every block past the first Usable bytes
	// bad, as on a worn stick, so that about that much is free: filling
	// a whole 33 MiB through fusefat (about 10 MB/s, a CPU busy all
	// along) took 7 s for 37 MiB.
	Usable int64
	// FUSE mounts through fusefat even where the kernel has a vfat
	// driver, for a test of how FUSE file systems behave.
	FUSE bool
}

// MountFAT makes a FAT image as f says, puts it on a loop device and
// mounts it: with the kernel's vfat driver where there is one (files
// 0600, folders 0700), else with fusefat as a fuseblk mount of the loop
// device (as exfat-fuse and ntfs-3g mount sticks). It skips without
// root, mkfs.vfat, losetup, a loop device, or a driver.
func MountFAT(t testing.TB, f FAT) Disk {
	t.Helper()
	needRoot(t)
	mkfs := lookTool(t, "mkfs.vfat", "dosfstools")
	img := newImage(t, t.TempDir(), f.Size)
	args := []string{}
	if f.FAT32 {
		args = append(args, "-F", "32", "-s", "1")
	}
	if f.Label != "" {
		args = append(args, "-n", f.Label)
	}
	if f.Usable != 0 {
		// mkfs.vfat's bad block list counts 1 KiB blocks from the start
		// of the file system, whose first megabyte holds the FATs.
		var bad strings.Builder
		for b := (1<<20 + f.Usable) >> 10; b < f.Size>>10; b++ {
			fmt.Fprintln(&bad, b)
		}
		list := filepath.Join(t.TempDir(), "badblocks")
		if err := os.WriteFile(list, []byte(bad.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-l", list)
	}
	run(t, mkfs, append(args, img)...)
	d := Disk{Device: attachLoop(t, img), Dir: t.TempDir()}
	var kernelErr error = errors.New("fusefat asked for")
	if !f.FUSE {
		kernelErr = unix.Mount(d.Device, d.Dir, "vfat", unix.MS_NOSUID|unix.MS_NODEV, "fmask=0077,dmask=0077")
	}
	if kernelErr != nil {
		fusefat, err := exec.LookPath("fusefat")
		if err != nil {
			t.Skipf("no vfat (%v) and fusefat not found: install the fusefat package", kernelErr)
		}
		if out, err := exec.Command(fusefat, "-o", "rw+,blkdev,fsname="+d.Device, d.Device, d.Dir).CombinedOutput(); err != nil {
			t.Skipf("no vfat (%v) and fusefat failed: %v: %s", kernelErr, err, out)
		}
	}
	unmountAtEnd(t, d.Dir)
	return d
}

// Ext4 says what ext4 image MountExt4 makes.
type Ext4 struct {
	Size  int64  // the image's size in bytes
	Label string // the volume label (mkfs.ext4 -L); empty for none
	// ImageDir is the folder the image file is made in; empty for a new
	// one. An image in a tmpfs smaller than Size makes a stick that
	// claims more than it holds.
	ImageDir string
	// Lean formats with as few writes as mkfs can (no journal, inode
	// tables left to be initialised later), so that a sparse image
	// stays small.
	Lean bool
	// MountPoint is where to mount it (made if missing); empty for a
	// new folder.
	MountPoint string
}

// MountExt4 makes an ext4 image as e says, puts it on a loop device and
// mounts it. It skips without root, mkfs.ext4, losetup, a loop device,
// or where ext4 cannot be mounted.
func MountExt4(t testing.TB, e Ext4) Disk {
	t.Helper()
	needRoot(t)
	mkfs := lookTool(t, "mkfs.ext4", "e2fsprogs")
	dir := e.ImageDir
	if dir == "" {
		dir = t.TempDir()
	}
	img := newImage(t, dir, e.Size)
	args := []string{"-q"}
	if e.Label != "" {
		args = append(args, "-L", e.Label)
	}
	if e.Lean {
		args = append(args, "-O", "^has_journal", "-E", "lazy_itable_init=1,lazy_journal_init=1")
	}
	run(t, mkfs, append(args, img)...)
	d := Disk{Device: attachLoop(t, img), Dir: e.MountPoint}
	if d.Dir == "" {
		d.Dir = t.TempDir()
	} else if err := os.MkdirAll(d.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(d.Device, d.Dir, "ext4", unix.MS_NOSUID|unix.MS_NODEV, ""); err != nil {
		t.Skipf("cannot mount ext4 from a loop device here: %v", err)
	}
	unmountAtEnd(t, d.Dir)
	return d
}

// needRoot skips the test unless it runs as root.
func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a loop device needs root")
	}
}

// lookTool returns the path of the program name, or skips the test
// naming the Debian package that has it.
func lookTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found: install the %s package", name, pkg)
	}
	return p
}

// run runs a program that must succeed.
func run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", filepath.Base(name), err, out)
	}
}

// newImage makes an empty (sparse) image file of size bytes in dir.
func newImage(t testing.TB, dir string, size int64) string {
	t.Helper()
	img := filepath.Join(dir, "stick.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, size); err != nil {
		t.Fatal(err)
	}
	return img
}

// attachLoop puts img on a free loop device, detached when the test
// ends, and returns the device.
func attachLoop(t testing.TB, img string) string {
	t.Helper()
	losetup := lookTool(t, "losetup", "util-linux")
	out, err := exec.Command(losetup, "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Skipf("cannot set up a loop device here: %v: %s", err, strings.TrimSpace(string(out)))
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		// The kernel detaches a device still in use (a lazily unmounted
		// file system) once its last user lets go.
		if out, err := exec.Command(losetup, "-d", dev).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", dev, err, out)
		}
	})
	return dev
}

// unmountAtEnd unmounts dir when the test ends. A mount that is busy is
// detached lazily: seen once under load, a child process another test
// starts while a file on the disk is open holds a copy of its descriptor
// until it executes its program; TempDir's removal then says whether
// anything is left. One the test unmounted itself (a stick pulled out)
// is left alone.
func unmountAtEnd(t testing.TB, dir string) {
	t.Cleanup(func() {
		err := unix.Unmount(dir, 0)
		switch {
		case err == nil, errors.Is(err, unix.EINVAL): // not mounted any more
		case errors.Is(err, unix.EBUSY):
			if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
				t.Errorf("unmount %s lazily: %v", dir, err)
			}
		default:
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}
