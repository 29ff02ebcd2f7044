//go:build !windows

package backup

import "os"

// openFolder opens the folder at path; here an open folder can be
// renamed and removed.
func openFolder(path string) (*os.File, error) { return os.Open(path) }
