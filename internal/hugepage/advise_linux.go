package hugepage

import "golang.org/x/sys/unix"

// advise asks for huge pages for b, whole huge pages at an aligned address.
func advise(b []byte) {
	if len(b) > 0 {
		_ = unix.Madvise(b, unix.MADV_HUGEPAGE) // advice only: ignore refusals
	}
}

// populate faults b's pages in (MADV_POPULATE_WRITE), without writing to
// b, and reports whether the kernel did.
func populate(b []byte) bool {
	return len(b) == 0 || unix.Madvise(b, unix.MADV_POPULATE_WRITE) == nil
}
