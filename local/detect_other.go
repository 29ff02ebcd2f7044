//go:build !linux && !darwin && !windows

package local

import (
	"context"
	"errors"
)

// drives is not supported on this system.
func (d Detector) drives(ctx context.Context) ([]Drive, error) {
	return nil, errors.New("finding removable drives is not supported on this system; use folder:PATH")
}
