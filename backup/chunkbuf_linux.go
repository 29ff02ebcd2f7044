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
// percent of a create's CPU time. The buffer starts on a huge page, and
// the advice covers its last partial one, so that no part of it is
// faulted in 4 KiB at a time: the first and last partial huge pages of a
// buffer that does not start on one were a thousand 4 KiB faults each
// time. The allocation is up to one huge page larger than n, but pages
// never touched cost no memory. It is advice: where transparent huge pages
// are off, the buffer is an ordinary one.
func chunkBuffer(n int) []byte {
	span := (n + hugePage - 1) &^ (hugePage - 1)
	b := make([]byte, span+hugePage)
	skip := 0
	if rem := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % hugePage); rem != 0 {
		skip = hugePage - rem
	}
	b = b[skip : skip+span]
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE)
	return b[:n:n]
}
