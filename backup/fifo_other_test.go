//go:build !unix

package backup

import "testing"

// mkfifo skips the test: named pipes in the file system are a Unix
// feature (Windows pipes live in \\.\pipe\, never in a folder), so there
// is no special file for Collect to skip.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	t.Skipf("cannot make %s: FIFOs in folders exist only on Unix", path)
}
