package local

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
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

// mountVFAT makes a FAT32 image of the given size labelled label, puts
// it on a loop device and mounts it: with the kernel's vfat driver where
// there is one, else with fusefat as a fuseblk mount of the loop device
// (as exfat-fuse and ntfs-3g mount sticks). It returns the mount point and
// the loop device. It skips when mkfs.vfat (Debian package dosfstools) is
// missing, or when neither vfat nor fusefat (package fusefat) is there.
//
// Every block past the first usable bytes is marked bad, as on a worn
// stick, so that about that much is free: FAT32 needs 65525 clusters, so
// the file system cannot be smaller than about 33 MiB, yet filling it up
// through fusefat (about 10 MB/s, a CPU busy all along) took 7 s for 37
// MiB.
func mountVFAT(t *testing.T, label string, size, usable int64) (mnt, loopDev string) {
	t.Helper()
	needRoot(t)
	mkfs, err := exec.LookPath("mkfs.vfat")
	if err != nil {
		t.Skip("mkfs.vfat not found: install the dosfstools package")
	}
	img := filepath.Join(t.TempDir(), "stick.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, size); err != nil {
		t.Fatal(err)
	}
	// mkfs.vfat's bad block list counts 1 KiB blocks from the start of
	// the file system, whose first megabyte holds the FATs.
	var bad strings.Builder
	for b := (1<<20 + usable) >> 10; b < size>>10; b++ {
		fmt.Fprintln(&bad, b)
	}
	badList := filepath.Join(t.TempDir(), "badblocks")
	if err := os.WriteFile(badList, []byte(bad.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mkfs, "-F", "32", "-s", "1", "-n", label, "-l", badList, img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.vfat: %v: %s", err, out)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Skipf("cannot set up a loop device here: %v: %s", err, strings.TrimSpace(string(out)))
	}
	loopDev = strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if out, err := exec.Command("losetup", "-d", loopDev).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", loopDev, err, out)
		}
	})
	mnt = t.TempDir()
	kernelErr := unix.Mount(loopDev, mnt, "vfat", unix.MS_NOSUID|unix.MS_NODEV, "fmask=0077,dmask=0077")
	if kernelErr != nil {
		fusefat, err := exec.LookPath("fusefat")
		if err != nil {
			t.Skipf("no vfat in this kernel (%v) and fusefat not found: install the fusefat package", kernelErr)
		}
		cmd := exec.Command(fusefat, "-o", "rw+,blkdev,fsname="+loopDev, loopDev, mnt)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("no vfat in this kernel (%v) and fusefat failed: %v: %s", kernelErr, err, out)
		}
	}
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	return mnt, loopDev
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
func mountFakeCapacity(t *testing.T, realSize, imgSize string) string {
	t.Helper()
	backing := mountTmpfs(t, "size="+realSize)
	mkfs, err := exec.LookPath("mkfs.ext4")
	if err != nil {
		t.Skip("mkfs.ext4 not found: install the e2fsprogs package")
	}
	img := filepath.Join(backing, "stick.img")
	if out, err := exec.Command("truncate", "-s", imgSize, img).CombinedOutput(); err != nil {
		t.Fatalf("truncate: %v: %s", err, out)
	}
	if out, err := exec.Command(mkfs, "-q", "-O", "^has_journal", "-E", "lazy_itable_init=1,lazy_journal_init=1", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4: %v: %s", err, out)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Skipf("cannot set up a loop device here: %v: %s", err, strings.TrimSpace(string(out)))
	}
	loopDev := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if out, err := exec.Command("losetup", "-d", loopDev).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", loopDev, err, out)
		}
	})
	mnt := t.TempDir()
	if err := unix.Mount(loopDev, mnt, "ext4", unix.MS_NOSUID|unix.MS_NODEV, ""); err != nil {
		t.Skipf("cannot mount ext4 from a loop device here: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	return mnt
}
