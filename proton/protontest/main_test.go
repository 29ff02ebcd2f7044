package protontest

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// TestMain lets eight tests run at once: most of a test here waits on the
// bridge's 5-second pause after a rename or on a fault's retry delay, not
// on a CPU.
func TestMain(m *testing.M) {
	testparallel.Default(8)
	os.Exit(m.Run())
}
