package destinations

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFileReaderCold reads a backup file that is not in the page cache
// as the checks do, front to back a quarter of a MiB at a time from an
// unaligned offset, after a small read at its end: it gets the file's
// bytes, and, where the kernel tells (cachestat), reads them without
// caching them.
func TestFileReaderCold(t *testing.T) {
	data := make([]byte, 2*readAheadBlock+12345)
	rand.Read(data)
	path := filepath.Join(t.TempDir(), "backup")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	r := NewFileReader(f, int64(len(data)))
	defer r.Close()
	tail := make([]byte, 22)
	if _, err := r.ReadAt(tail, int64(len(data)-len(tail))); err != nil || !bytes.Equal(tail, data[len(data)-len(tail):]) {
		t.Fatalf("the last bytes: %v", err)
	}
	var got []byte
	p := make([]byte, 256<<10)
	for off := int64(100); ; {
		n, err := r.ReadAt(p, off)
		got = append(got, p[:n]...)
		off += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, data[100:]) {
		t.Fatalf("read %d bytes, not the file's %d from offset 100", len(got), len(data)-100)
	}
	var st unix.Cachestat_t
	if err := unix.Cachestat(uint(f.Fd()), &unix.CachestatRange{}, &st, 0); err != nil {
		t.Logf("no cachestat (%v): the page cache is not checked", err)
		return
	}
	if cached := st.Cache * uint64(os.Getpagesize()); cached > uint64(len(data))/2 {
		t.Errorf("%d of %d bytes are in the page cache after the reads, want them read directly", cached, len(data))
	}
}
