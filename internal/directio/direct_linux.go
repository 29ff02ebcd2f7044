package directio

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// errFUSE refuses direct I/O on a FUSE file system.
var errFUSE = errors.New("no direct I/O on a FUSE file system")

// setDirect turns O_DIRECT on or off for f. It refuses to turn it on for
// a file on a FUSE file system (fusefat, exfat-fuse, ntfs-3g: sticks
// mounted by a program): O_DIRECT there hands each read to the program
// as it is, and fusefat answers a direct read of a file's last, partial
// block with zeros once a read has gone past the file's end, so a sound
// copy failed its read-back. Callers read such a file through the page
// cache instead, after dropping its pages, as on file systems without
// direct I/O.
func setDirect(f *os.File, on bool) error {
	if on {
		var st unix.Statfs_t
		if err := unix.Fstatfs(int(f.Fd()), &st); err == nil && st.Type == unix.FUSE_SUPER_MAGIC {
			return errFUSE
		}
	}
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	if err != nil {
		return err
	}
	if on {
		flags |= unix.O_DIRECT
	} else {
		flags &^= unix.O_DIRECT
	}
	_, err = unix.FcntlInt(f.Fd(), unix.F_SETFL, flags)
	return err
}

// cold reports whether at most half of f's pages are in the page cache,
// as cachestat(2) (Linux 6.5) counts them; false when it cannot tell.
func cold(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	var st unix.Cachestat_t
	// A zero length is the whole file.
	if err := unix.Cachestat(uint(f.Fd()), &unix.CachestatRange{}, &st, 0); err != nil {
		return false
	}
	page := int64(os.Getpagesize())
	return int64(st.Cache)*2 <= (fi.Size()+page-1)/page
}

// pread reads into b at off until b is full, the file ends or a read
// fails. A direct read returns less than asked only at the file's end or
// after a signal; the rest is asked for again as long as it starts
// aligned.
func pread(f *os.File, b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Pread(int(f.Fd()), b[n:], off+int64(n))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		n += m
		if m == 0 || (off+int64(n))%Align != 0 {
			break
		}
	}
	return n, nil
}
