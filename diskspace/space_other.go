//go:build !linux && !darwin && !windows

package diskspace

import "errors"

// Of is not known on this system: it returns errors.ErrUnsupported.
func Of(path string) (total, free int64, err error) {
	return 0, 0, errors.ErrUnsupported
}

// FreeFiles is not known on this system: it reports it unknown.
func FreeFiles(path string) (free int64, known bool, err error) { return 0, false, nil }
