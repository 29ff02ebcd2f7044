//go:build !unix

package backup

import "os"

// createExclusive creates path (0600) for writing, failing if it exists.
func createExclusive(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// removedDir reports whether the folder f has open was removed; here it
// cannot tell, and says no.
func removedDir(*os.File) bool { return false }

// deviceOf is not known here: only a drive's root is known as a file
// system's root.
func deviceOf(os.FileInfo) (uint64, bool) { return 0, false }
