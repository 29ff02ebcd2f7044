package testparallel_test

import (
	"flag"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

const wantParallel = 5

func TestMain(m *testing.M) {
	testparallel.Default(wantParallel)
	os.Exit(m.Run())
}

// TestDefault: without -parallel on the command line, wantParallel tests
// run at once, more than this machine's CPUs may allow by default.
func TestDefault(t *testing.T) {
	if got := flag.Lookup("test.parallel").Value.String(); got != strconv.Itoa(wantParallel) {
		t.Skipf("-parallel %s was given on the command line", got)
	}
	var running, peak atomic.Int32
	all := make(chan struct{})
	for i := range wantParallel {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			if n == wantParallel {
				close(all)
			}
			select {
			case <-all:
			case <-time.After(10 * time.Second):
				t.Errorf("only %d tests ran at once, want %d", peak.Load(), wantParallel)
			}
			running.Add(-1)
		})
	}
}
