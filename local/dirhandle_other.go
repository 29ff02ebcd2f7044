//go:build !linux

package local

import "os"

// dirHandle is a directory that backups are written into, addressed by
// its path.
type dirHandle = pathDir

func openDir(path string) (*dirHandle, error) {
	return openPathDir(path, pathDirSys{link: os.Link, renameExclusive: renameExclusive, syncUnsupported: isSyncUnsupported})
}
