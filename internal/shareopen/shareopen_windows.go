package shareopen

import (
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// Read opens the file at path for reading, shared for deletion.
func Read(path string) (*os.File, error) {
	return open(path, windows.GENERIC_READ, windows.FILE_ATTRIBUTE_NORMAL)
}

// ReadWrite opens the file at path, which exists, for reading and writing,
// shared for deletion.
func ReadWrite(path string) (*os.File, error) {
	return open(path, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.FILE_ATTRIBUTE_NORMAL)
}

// Folder opens the folder at path, shared for deletion.
func Folder(path string) (*os.File, error) {
	return open(path, windows.FILE_LIST_DIRECTORY|windows.FILE_READ_ATTRIBUTES, windows.FILE_FLAG_BACKUP_SEMANTICS)
}

// open opens path, which must exist, with access, sharing reads, writes
// and deletion, with flags (FILE_FLAG_BACKUP_SEMANTICS opens a folder).
func open(path string, access, flags uint32) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, access,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, flags, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
