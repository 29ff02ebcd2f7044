package local

import (
	"fmt"
	"path/filepath"
)

// DownloadsDir returns ~/Downloads, with HOME read through getenv.
func DownloadsDir(getenv func(string) string) (string, error) {
	return homeDir(getenv, "Downloads")
}

// DocumentsDir returns ~/Documents, with HOME read through getenv.
func DocumentsDir(getenv func(string) string) (string, error) {
	return homeDir(getenv, "Documents")
}

// homeDir returns the folder name in the user's home folder.
func homeDir(getenv func(string) string, name string) (string, error) {
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", fmt.Errorf("cannot find the %s folder: HOME is not set; use folder:PATH", name)
	}
	return filepath.Join(home, name), nil
}
