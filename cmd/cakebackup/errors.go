package main

import (
	"errors"
	"io/fs"

	"github.com/cakebackup/cakebackup/backup"
)

// backupExit gives errors from reading or verifying a backup the exit code
// that tells a wrong password from a damaged file.
func backupExit(err error) error {
	if err == nil {
		return nil
	}
	var chunk *backup.ChunkError
	var readErr *fs.PathError
	switch {
	case exitCode(err) != exitFailure:
		return err
	case errors.As(err, &readErr), errors.As(err, new(*backup.ReadError)), errors.As(err, new(*backup.TargetGoneError)):
		// The system failed to read or write (a drive pulled out, a
		// dropped connection, a restore's folder gone): a failure, not
		// damage.
		return err
	case errors.Is(err, backup.ErrDecrypt):
		return withCode(exitWrongPassword, err)
	case errors.Is(err, backup.ErrBadLength), errors.Is(err, backup.ErrUnsupportedVersion),
		errors.Is(err, backup.ErrBadChecksum), errors.Is(err, backup.ErrNotBackup),
		errors.Is(err, backup.ErrLegacyV1), errors.Is(err, backup.ErrUnsafePath),
		errors.As(err, &chunk):
		return withCode(exitDamaged, err)
	}
	return err
}
