package proton

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// TestMain lets sixteen tests run at once: most of a test here waits on
// the bridge's 5-second pause after each rename or on go-proton-api's
// retry delays, not on a CPU. With six, TestFaults (the longest, about
// 25 s of waiting) began only when other tests had finished, and the
// package took about 50 s instead of 29 s.
func TestMain(m *testing.M) {
	testparallel.Default(16)
	os.Exit(m.Run())
}
