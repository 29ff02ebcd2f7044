package local

import (
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// openDeletable opens path for reading, sharing it for deletion
// (FILE_SHARE_DELETE), which os.Open does not: the lock on an unfinished
// backup is held through such a handle, and the backup is renamed to its
// final name, or removed, while it is open. Without that share Windows
// refuses both (a sharing violation), and every backup failed.
func openDeletable(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

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
