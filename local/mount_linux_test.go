package local

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cakebackup/cakebackup/internal/disktest"
)

// These helpers mount real file systems for fault tests. They need root;
// without it, or where the container forbids mounting, tests skip.

// needRoot skips the test unless it runs as root.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting file systems needs root")
	}
}

// mountTmpfs mounts a tmpfs with the given options (such as "size=256k")
// on a new folder and unmounts it when the test ends.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	needRoot(t)
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			t.Skipf("mounting is not permitted here: %v", err)
		}
		t.Fatalf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// bindMount makes src also visible at a new folder, which stays usable
// after src itself is unmounted.
func bindMount(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount(src, dir, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// remountReadOnly makes the file system mounted at dir read-only.
func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
}

// mountVFAT makes a FAT32 image of the given size labelled label, with
// about usable bytes free (the rest marked bad), puts it on a loop device
// and mounts it (disktest.MountFAT). It returns the mount point and the
// loop device.
func mountVFAT(t *testing.T, label string, size, usable int64) (mnt, loopDev string) {
	t.Helper()
	d := disktest.MountFAT(t, disktest.FAT{Size: size, FAT32: true, Label: label, Usable: usable})
	return d.Dir, d.Device
}

// snapshot returns every file and folder under root with a checksum of
// each file's contents, to show that a failed write changed nothing.
func snapshot(t *testing.T, root string) map[string][sha256.Size]byte {
	t.Helper()
	files := map[string][sha256.Size]byte{}
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if de.IsDir() {
			files[rel+"/"] = [sha256.Size]byte{}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[rel] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameFiles fails the test when the two snapshots differ.
func sameFiles(t *testing.T, before, after map[string][sha256.Size]byte) {
	t.Helper()
	if maps.Equal(before, after) {
		return
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("left behind: %s", k)
		} else if before[k] != after[k] {
			t.Errorf("changed: %s", k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Errorf("gone: %s", k)
		}
	}
}

// mountFakeCapacity mounts an ext4 file system that claims imgSize bytes
// but is stored in a tmpfs of only realSize, like a counterfeit USB stick:
// writes succeed into memory and fail once flushed to the medium.
func mountFakeCapacity(t *testing.T, realSize string, imgSize int64) string {
	t.Helper()
	backing := mountTmpfs(t, "size="+realSize)
	return disktest.MountExt4(t, disktest.Ext4{Size: imgSize, ImageDir: backing, Lean: true}).Dir
}
