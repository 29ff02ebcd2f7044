//go:build !unix

package regularfile

import "os"

// open opens path for reading. Windows has no FIFOs that an open waits
// on: opening a named pipe with no instance free fails at once.
func open(path string) (*os.File, error) { return os.Open(path) }

// blocking does nothing: open opens a file as Windows always does.
func blocking(*os.File) error { return nil }
