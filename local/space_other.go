//go:build !linux && !darwin && !windows

package local

import "errors"

// diskSpace is not known on this system.
func diskSpace(path string) (total, free int64, err error) {
	return 0, 0, errors.ErrUnsupported
}
