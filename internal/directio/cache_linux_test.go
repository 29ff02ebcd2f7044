package directio

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// dropCache evicts f's cached pages (f's data is on the disk).
func dropCache(t *testing.T, f *os.File) {
	t.Helper()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
}

// cachestatWorks tells whether the kernel has cachestat(2) (Linux 6.5).
func cachestatWorks(f *os.File) bool {
	var st unix.Cachestat_t
	return unix.Cachestat(uint(f.Fd()), &unix.CachestatRange{}, &st, 0) == nil
}
