package hugepage

import (
	"bytes"
	"os"
	"runtime"
	"syscall"
	"testing"
)

// TestBufferFaultsHugePages counts the page faults of touching every page
// of a fresh buffer: with huge pages, one per 2 MiB rather than one per
// 4 KiB. It is skipped where transparent huge pages are off.
func TestBufferFaultsHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || bytes.Contains(mode, []byte("[never]")) {
		t.Skipf("transparent huge pages are off here (%q, %v)", mode, err)
	}
	// The fault count is the thread's: stay on one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 16*Size + 137
	before := threadFaults(t)
	b := Buffer(n)
	for i := 0; i < n; i += 4096 {
		b[i] = 1
	}
	faults := threadFaults(t) - before
	// 16 huge pages and one 4 KiB page for the 137 bytes of the tail: 17.
	// 4 KiB pages would take 8193. Where the runtime reuses heap memory part of which
	// it touched before (another test's buffer), a 2 MiB range may
	// already hold 4 KiB pages and fault 512 times: allow a quarter.
	if small := int64(n / 4096); faults > small/4 {
		t.Errorf("touching %d bytes took %d page faults, want at most %d (huge pages; 4 KiB pages take %d)", n, faults, small/4, small)
	}
	runtime.KeepAlive(b)
}

// threadFaults returns the calling thread's minor page faults so far.
func threadFaults(t *testing.T) int64 {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		t.Fatal(err)
	}
	return ru.Minflt
}

// TestPopulateFaultsPagesIn checks that once Populate has run, writing the
// whole buffer faults almost no pages: Populate faulted them in.
func TestPopulateFaultsPagesIn(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 8*Size + 137
	b := Buffer(n)
	if !Populate(b) {
		t.Skip("this kernel cannot populate (MADV_POPULATE_WRITE came in Linux 5.14)")
	}
	before := threadFaults(t)
	for i := 0; i < n; i += 4096 {
		b[i] = 1
	}
	// Untouched, the buffer takes 8 huge-page faults and one for its tail,
	// or 4098 in ordinary pages.
	if faults := threadFaults(t) - before; faults > 2 {
		t.Errorf("writing %d populated bytes took %d page faults, want at most 2", n, faults)
	}
	runtime.KeepAlive(b)
}
