//go:build unix

package process

import (
	"syscall"
	"time"
)

// CPUTime returns the user and system time this process has used, for
// benchmarks that report CPU time; 0 when it cannot tell.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
