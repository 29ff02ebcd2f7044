//go:build !unix

package process

import "time"

// CPUTime is unknown here: 0.
func CPUTime() time.Duration { return 0 }
