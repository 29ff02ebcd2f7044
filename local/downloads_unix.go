//go:build !windows

package local

import "errors"

// DownloadsDir returns the user's Downloads folder. On Linux and other
// Unix systems it honours the XDG user-dirs file
// ($XDG_CONFIG_HOME/user-dirs.dirs); on macOS it is ~/Downloads. The
// environment is read through getenv only.
func DownloadsDir(getenv func(string) string) (string, error) {
	return "", errors.New("downloads: not implemented yet")
}
