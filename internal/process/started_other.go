//go:build !linux && !darwin && !windows

package process

// Started cannot tell on this system: "". A process is then known by its
// id alone (see Same).
func Started(pid int) string { return "" }
