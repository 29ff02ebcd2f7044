package backup

import (
	"context"
	"errors"
)

// Restore extracts the backup into dir, which must be absent or empty
// (ErrTargetNotEmpty otherwise). It works in a temporary folder beside dir
// and renames it into place only when everything is extracted and
// verified; on any error nothing is left behind.
func (a *Archive) Restore(ctx context.Context, password, dir string) error {
	return errors.New("backup.Restore: not implemented")
}
