//go:build !linux

package backup

import "testing"

// mountExt4 mounts a small ext4 image on Linux (vanish_linux_test.go);
// elsewhere the tests that need one are skipped.
func mountExt4(t *testing.T) string {
	t.Helper()
	t.Skip("mounting an ext4 image needs Linux")
	return ""
}
