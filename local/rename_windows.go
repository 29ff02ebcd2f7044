package local

import (
	"os"

	"golang.org/x/sys/windows"
)

// renameExclusive moves oldPath to newPath, failing if newPath exists
// (MoveFileEx without MOVEFILE_REPLACE_EXISTING).
func renameExclusive(oldPath, newPath string) error {
	from, err := windows.UTF16PtrFromString(oldPath)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(newPath)
	if err != nil {
		return err
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: oldPath, New: newPath, Err: err}
	}
	return nil
}

// isSyncUnsupported reports whether err says directories cannot be
// flushed, which on Windows they cannot.
func isSyncUnsupported(error) bool { return true }

// dropCache is a no-op on Windows.
func dropCache(*os.File) {}

// startWriteback is a no-op here: the flush before the read-back writes
// the whole file.
func startWriteback(*os.File, int64, int64) {}
