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
// kernel is asked (MADV_HUGEPAGE) to back all of it with huge pages, its
// last partial one included, so that no part of it is faulted in 4 KiB
// at a time. It is advice: where transparent huge pages are off, or the
// kernel has none free, the pages are ordinary ones. A smaller buffer is
// an ordinary one.
//
// The allocation is up to two huge pages larger than n: address space,
// not memory, since the pages never touched cost none; but the last
// partial huge page, once touched, is resident whole.
func Buffer(n int) []byte {
	if n < Size {
		return make([]byte, n)
	}
	span := (n + Size - 1) &^ (Size - 1)
	b := make([]byte, span+Size)
	skip := int((Size - uintptr(unsafe.Pointer(unsafe.SliceData(b)))%Size) % Size)
	b = b[skip : skip+span]
	advise(b)
	return b[:n:n]
}
