package proton

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// TestMain lets six tests run at once: most of a test here waits on the
// bridge's 5-second pause after each rename, not on a CPU.
func TestMain(m *testing.M) {
	testparallel.Default(6)
	os.Exit(m.Run())
}
