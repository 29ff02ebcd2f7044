package directio

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// mountFusefat mounts a new FAT32 image through fusefat, as a stick is
// mounted where the kernel has no vfat driver, and returns the mount
// point. It skips without root, mkfs.vfat (dosfstools), losetup or
// fusefat (package fusefat).
func mountFusefat(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a FAT image needs root")
	}
	for _, tool := range []string{"mkfs.vfat", "losetup", "fusefat"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s (Debian packages dosfstools, util-linux, fusefat)", tool)
		}
	}
	img := filepath.Join(t.TempDir(), "stick.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 40<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.vfat", "-F", "32", "-s", "1", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.vfat: %v: %s", err, out)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Skipf("cannot set up a loop device here: %v: %s", err, out)
	}
	loop := strings.TrimSpace(string(out))
	t.Cleanup(func() { _ = exec.Command("losetup", "-d", loop).Run() })
	mnt := t.TempDir()
	if out, err := exec.Command("fusefat", "-o", "rw+,blkdev,fsname="+loop, loop, mnt).CombinedOutput(); err != nil {
		t.Skipf("fusefat failed: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	return mnt
}

// TestFUSEReadsThroughThePageCache: on a FUSE file system direct I/O is
// refused, so a ReaderAt and a Writer there use the page cache, and a
// file whose last block is partial reads back whole whatever the order of
// the reads. With O_DIRECT, fusefat answered the last read below (the
// partial block again, after a read past the file's end) with zeros, and
// every backup written to a stick it mounted failed its read-back.
func TestFUSEReadsThroughThePageCache(t *testing.T) {
	mnt := mountFusefat(t)
	want := make([]byte, 4315) // a small backup: one full block and a partial one
	if _, err := rand.Read(want); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(mnt, "backup")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if w := NewWriter(f, Align); w != nil {
		t.Error("NewWriter writes directly on a FUSE file system")
	}
	if _, err := f.Write(want); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	dropCache(t, f)

	r := open(t, path)
	ra := NewReaderAt(r)
	for _, read := range []struct{ off, n int }{{0, 4096}, {4096, 4096}, {0, 4096}, {0, 8192}, {4096, 4096}} {
		p := Buffer(read.n)
		n, err := ra.ReadAt(p, int64(read.off))
		end := min(read.off+read.n, len(want))
		if n != end-read.off || !bytes.Equal(p[:n], want[read.off:end]) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d bytes, %v; want the file's %d bytes there", read.n, read.off, n, err, end-read.off)
		}
	}
}
