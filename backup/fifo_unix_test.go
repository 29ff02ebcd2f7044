//go:build unix

package backup

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at path, the special file Collect must skip
// rather than block on.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}
