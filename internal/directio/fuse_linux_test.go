package directio

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/internal/disktest"
)

// TestFUSEReadsThroughThePageCache// TestFUSEReadsThroughThePageCache: on a FUSE file system direct I/O is
// refused, so a ReaderAt and a Writer there use the page cache, and a
// file whose last block is partial reads back whole whatever the order of
// the reads. With O_DIRECT, fusefat answered the last read below (the
// partial block again, after a read past the file's end) with zeros, and
// every backup written to a stick it mounted failed its read-back.
func TestFUSEReadsThroughThePageCache(t *testing.T) {
	// A new FAT32 image through fusefat, as a stick is mounted where
	// the kernel has no vfat driver.
	mnt := disktest.MountFAT(t, disktest.FAT{Size: 40 << 20, FAT32: true, FUSE: true}).Dir
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
