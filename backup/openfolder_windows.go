package backup

import (
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// openFolder opens the folder at path and holds it open while it may be
// renamed or removed: shared for deletion (FILE_SHARE_DELETE), which
// os.Open's handle is not, so Windows refused, with a sharing violation,
// the rename or removal that publishes a restore, and every restore
// failed.
func openFolder(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.FILE_LIST_DIRECTORY|windows.FILE_READ_ATTRIBUTES,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
