//go:build !unix && !windows

package process

// Running cannot tell on this system, so it says yes: a leftover is
// kept rather than the work of a running process removed.
func Running(pid int) bool { return true }
