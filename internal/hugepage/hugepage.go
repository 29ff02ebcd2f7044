// Package hugepage allocates large buffers that the kernel backs with
// huge pages where it can. Touching a fresh buffer faults its pages in one
// at a time; with 4 KiB pages a 24 MiB chunk buffer takes six thousand
// faults, each costly in a virtual machine, with 2 MiB pages a dozen.
package hugepage

import "unsafe"

// Size is the size of a huge page on x86-64 and arm64.
const Size = 2 << 20

// Buffer returns a buffer of n bytes (its length and capacity). One of at
// least Size bytes starts at an address Size divides, and on Linux the
// kernel is asked (MADV_HUGEPAGE) to back its whole huge pages with huge
// pages, and its last partial one too when that one is at least half
// used, so that little of it is faulted in 4 KiB at a time. A chunk's
// buffer ends a few hundred bytes past a huge page boundary: that tail
// takes one 4 KiB fault rather than a 2 MiB page to clear and keep. It is
// advice: where transparent huge pages are off, or the kernel has none
// free, the pages are ordinary ones. A smaller buffer is an ordinary one.
//
// The allocation is up to two huge pages larger than n: address space,
// not memory, since the pages never touched cost none.
func Buffer(n int) []byte {
	if n < Size {
		return make([]byte, n)
	}
	span := (n + Size - 1) &^ (Size - 1)
	b := make([]byte, span+Size)
	skip := int((Size - uintptr(unsafe.Pointer(unsafe.SliceData(b)))%Size) % Size)
	b = b[skip : skip+span]
	huge := n &^ (Size - 1)
	if n-huge >= Size/2 {
		huge = span
	}
	advise(b[:huge])
	return b[:n:n]
}
