//go:build unix

package proton

import (
	"errors"
	"syscall"
)

// processRunning reports whether a process with this PID exists on this
// machine (signal 0 checks without sending anything).
func processRunning(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
