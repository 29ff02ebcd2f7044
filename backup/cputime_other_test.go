//go:build !unix

package backup

import "time"

// processCPU is unknown here.
func processCPU() time.Duration { return 0 }
