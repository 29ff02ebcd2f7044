package job_test

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// dropCache evicts the file's pages from the page cache, so that it is
// read from the disk (directly, where the file system allows).
func dropCache(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
}
