package backup

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of the x86-64 and arm64 huge pages the kernel backs
// memory with where asked (MADV_HUGEPAGE).
const hugePage = 2 << 20

// chunkBuffer returns a buffer of n bytes for a chunk. It asks the kernel
// to back the buffer with huge pages: a chunk buffer is then faulted in a
// dozen times rather than six thousand (4 KiB pages), which cost a few
// percent of a create's CPU time. It is advice: where transparent huge
// pages are off, the buffer is an ordinary one.
func chunkBuffer(n int) []byte {
	b := make([]byte, n)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + hugePage - 1) &^ (hugePage - 1)
	hi := (start + uintptr(n)) &^ (hugePage - 1)
	if hi > lo {
		_ = unix.Madvise(b[lo-start:hi-start], unix.MADV_HUGEPAGE)
	}
	return b
}
