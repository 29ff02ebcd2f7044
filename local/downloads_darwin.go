package local

import (
	"errors"
	"path/filepath"
)

// DownloadsDir returns ~/Downloads, with HOME read through getenv.
func DownloadsDir(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", errors.New("cannot find the Downloads folder: HOME is not set; use folder:PATH")
	}
	return filepath.Join(home, "Downloads"), nil
}
