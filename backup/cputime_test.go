package backup

import (
	"time"

	"github.com/cakebackup/cakebackup/internal/process"
)

// processCPU returns the user and system time the process has used.
func processCPU() time.Duration { return process.CPUTime() }
