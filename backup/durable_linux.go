package backup

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// On Linux a restore does not fsync each file: syncfs(2) on the finished
// temporary folder writes out every file and folder of its file system in
// one go, before the rename that publishes them. One fsync per file made
// 100,000 small files take minutes.

// startWriteback asks the kernel to start writing the n bytes of f at off
// to disk, without waiting: the disk then works while later chunks are
// decrypted, and syncTree finds little left to write. Failures are left
// for syncTree to report.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}

// flushData makes what was written to f durable (fdatasync(2)), for a
// file written directly: its bytes are already out of the page cache, so
// this waits only for the disk to empty its own cache.
func flushData(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if err != unix.EINTR {
			return err
		}
	}
}

// syncFile is a no-op here; syncTree does the work.
func syncFile(*os.File) error { return nil }

// syncTree makes everything written under root durable.
func syncTree(root string) error {
	d, err := os.Open(root)
	if err != nil {
		return fmt.Errorf("syncing %s: %w", root, err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("syncing %s: %w", root, err)
	}
	return nil
}
