package protontest

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// TestMain lets 32 tests run at once, nearly every one here: most of
// a test waits on the bridge's 5-second pause after a rename or on a
// fault's retry delay, not on a CPU. With eight, the longest tests
// (TestChildrenArePaged, TestBridgeFileLifecycle) began up to 23 s in,
// behind others that were waiting too.
func TestMain(m *testing.M) {
	testparallel.Default(32)
	os.Exit(m.Run())
}
