//go:build !unix

package job_test

import "time"

// processCPU is unknown here.
func processCPU() time.Duration { return 0 }
