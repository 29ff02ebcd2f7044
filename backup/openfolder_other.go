//go:build !windows

package backup

import "os"

// openFolder opens the folder at path; here an open folder can be
// renamed and removed.
func openFolder(path string) (*os.File, error) { return os.Open(path) }

// openLockFile opens a killed restore's lock file, which exists, to read
// and lock it.
func openLockFile(path string) (*os.File, error) { return os.OpenFile(path, os.O_RDWR, 0) }
