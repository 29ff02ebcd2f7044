package inbox_test

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// TestMain lets eight tests run at once: a test here mostly waits for a
// watcher to settle on a file and judge it, not on a CPU.
func TestMain(m *testing.M) {
	testparallel.Default(8)
	os.Exit(m.Run())
}
