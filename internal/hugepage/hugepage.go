// Package hugepage allocates large buffers that the kernel backs with
// huge pages where it can. Touching a fresh buffer faults its pages in one
// at a time; with 4 KiB pages a 24 MiB chunk buffer takes six thousand
// faults, each costly in a virtual machine, with 2 MiB pages a dozen.
package hugepage

import "unsafe"

// Size is the size of a huge page on x86-64 and arm64.
const Size = 2 << 20

// PageSize is the ordinary page size Buffer aligns to, which is also
// direct I/O's alignment (directio.Align).
const PageSize = 4096

// Buffer returns a buffer of n bytes (its length and capacity), starting
// at an address PageSize divides (as direct I/O needs). For one of at
// least Size bytes, the kernel is asked (MADV_HUGEPAGE, on Linux) to back
// the huge pages wholly inside it with huge pages; the parts before the
// first and after the last are ordinary pages. It is advice: where
// transparent huge pages are off, or the kernel has none free, the pages
// are ordinary ones. A smaller buffer is in ordinary pages.
//
// The buffer is not moved to start on a huge page, which would have its
// first bytes on one too: measured on 2026-12-02, that made a whole
// create to Proton Drive (BenchmarkProtonCreatePeakRSS) take 61 to 67 s
// in six runs, against 52 to 54 s in five without (the same peak RSS);
// the cause was not found.
func Buffer(n int) []byte {
	b := make([]byte, n+PageSize)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	skip := (PageSize - start%PageSize) % PageSize
	b, start = b[skip:skip+uintptr(n):skip+uintptr(n)], start+skip
	if n < Size {
		return b
	}
	lo := (start + Size - 1) &^ (Size - 1)
	hi := (start + uintptr(n)) &^ (Size - 1)
	if hi > lo {
		advise(b[lo-start : hi-start])
	}
	return b
}

// Populate faults in the pages of b, a buffer from Buffer, as writing to
// it would, but without writing: it may run while another goroutine
// writes to b. A goroutine can so take the cost of a fresh buffer's page
// faults (the kernel zeroing the pages, and in a virtual machine the host
// backing them) off the one that will fill it. It reports whether it did;
// where the kernel cannot (before Linux 5.14, other systems) it does
// nothing, and the pages fault as b is first written.
func Populate(b []byte) bool {
	// A huge page at a time: the kernel holds the process's memory map
	// while it populates, and the Go runtime, mapping memory meanwhile,
	// would wait for all of b.
	for len(b) > 0 {
		n := min(len(b), Size)
		if !populate(b[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}
