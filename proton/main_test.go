package proton

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// TestMain lets every test here run at once: most of a test waits on
// the bridge's 5-second pause after each rename or on go-proton-api's
// retry delays, not on a CPU. With six, TestFaults (the longest, about
// 25 s of waiting) began only when other tests had finished, and the
// package took about 50 s instead of 29 s; with sixteen its cases still
// waited up to 15 s for a turn (2026-12-02), so the package ended with
// them. 64 is more than the package's parallel tests and subtests.
func TestMain(m *testing.M) {
	testparallel.Default(64)
	os.Exit(m.Run())
}
