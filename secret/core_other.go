//go:build !unix

package secret

// NoCoreDumps does nothing where the OS writes no core dumps of its own
// accord (Windows writes crash dumps only when configured to).
func NoCoreDumps() error { return nil }
