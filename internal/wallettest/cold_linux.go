package wallettest

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// DropCached flushes the files under dir and evicts them from the page
// cache, so that they are read from the disk, as after a reboot.
func DropCached(t testing.TB, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.Sync(); err != nil {
			return err
		}
		return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	})
	if err != nil {
		t.Fatal(err)
	}
}
