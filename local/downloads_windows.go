package local

import (
	"golang.org/x/sys/windows"
)

// askKnownFolder asks the Windows shell where f is.
func askKnownFolder(f knownFolder, _ func(string) string) (osAnswer, error) {
	id := windows.FOLDERID_Downloads
	if f == folderDocuments {
		id = windows.FOLDERID_Documents
	}
	dir, err := windows.KnownFolderPath(id, 0)
	return osAnswer{shellPath: dir, shellErr: err}, nil
}
