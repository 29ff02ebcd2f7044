//go:build !(linux || darwin || freebsd)

package sha512pair

import "time"

// processCPU reports no CPU time here: the benchmarks leave out their
// CPU metrics.
func processCPU() (time.Duration, bool) { return 0, false }
