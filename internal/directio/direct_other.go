//go:build !linux

package directio

import (
	"errors"
	"os"
)

var errNoDirect = errors.New("no direct I/O here")

// setDirect fails here: files are read and written through the cache.
func setDirect(*os.File, bool) error { return errNoDirect }

// adviseHuge does nothing here.
func adviseHuge([]byte) {}

// cold is false here.
func cold(*os.File) bool { return false }

// pread is never called here (setDirect fails).
func pread(f *os.File, b []byte, off int64) (int, error) { return f.ReadAt(b, off) }
