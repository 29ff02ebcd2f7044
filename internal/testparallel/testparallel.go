// Package testparallel is for test packages whose tests mostly wait
// rather than compute: on the Proton bridge's fixed 5-second pause after
// every rename, on a fake server's latency, on child processes. go test
// runs at most -parallel tests that call t.Parallel at once, by default
// one per CPU, so on a 2-core machine two waiting tests would hold up
// every other one.
package testparallel

import (
	"flag"
	"strconv"
)

// Default sets go test's -parallel to n unless the command line gave it.
// Call it from TestMain, before m.Run.
func Default(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			given = true
		}
	})
	if given {
		return
	}
	if err := flag.Set("test.parallel", strconv.Itoa(n)); err != nil {
		panic("testparallel: " + err.Error()) // only outside a test binary
	}
}
