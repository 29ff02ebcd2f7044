package local

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// DownloadsDir returns the user's Downloads known folder.
func DownloadsDir(getenv func(string) string) (string, error) {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Downloads, 0)
	if err != nil {
		return "", fmt.Errorf("finding the Downloads folder: %w", err)
	}
	return dir, nil
}

// DocumentsDir returns the user's Documents known folder.
func DocumentsDir(getenv func(string) string) (string, error) {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Documents, 0)
	if err != nil {
		return "", fmt.Errorf("finding the Documents folder: %w", err)
	}
	return dir, nil
}
