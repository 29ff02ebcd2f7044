//go:build !linux

package hugepage

// advise does nothing here.
func advise([]byte) {}

// populate does nothing here.
func populate([]byte) bool { return false }
