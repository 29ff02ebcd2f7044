package hugepage

import "golang.org/x/sys/unix"

// advise asks for huge pages for b, whole huge pages at an aligned address.
func advise(b []byte) {
	if len(b) > 0 {
		_ = unix.Madvise(b, unix.MADV_HUGEPAGE) // advice only: ignore refusals
	}
}
