package main

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

func TestBackupExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("f: %w", backup.ErrDecrypt), exitWrongPassword},
		{fmt.Errorf("f: %w", backup.ErrBadChecksum), exitDamaged},
		{fmt.Errorf("f: %w", backup.ErrBadLength), exitDamaged},
		{fmt.Errorf("f: %w", backup.ErrUnsupportedVersion), exitDamaged},
		{fmt.Errorf("f: %w", backup.ErrNotBackup), exitDamaged},
		{fmt.Errorf("f: %w", backup.ErrLegacyV1), exitDamaged},
		{fmt.Errorf("f: %w", backup.ErrUnsafePath), exitDamaged},
		{&backup.ChunkError{Index: 2, Err: errors.New("short")}, exitDamaged},
		{fmt.Errorf("restore: %w", backup.ErrTargetNotEmpty), exitFailure},
		{fmt.Errorf("open: %w", fs.ErrPermission), exitFailure},
		{usageError(errors.New("bad flag")), exitUsage},
		// A read that failed (a stick pulled out mid-verify) is a
		// failure, though the format's check words it as damage.
		{&backup.ChunkError{Index: 0, Err: fmt.Errorf("reading data.bin: %w: %w", backup.ErrBadChecksum, &fs.PathError{Op: "read", Path: "/media/STICK/b", Err: syscall.EIO})}, exitFailure},
		{fmt.Errorf("reading metadata.json: %w: %w", backup.ErrNotBackup, &fs.PathError{Op: "read", Path: "/media/STICK/b", Err: syscall.ENOTCONN}), exitFailure},
		{&backup.ChunkError{Index: 3, Err: fmt.Errorf("reading data.bin: %w", &backup.ReadError{Err: errors.New("connection reset")})}, exitFailure},
		{&backup.TargetGoneError{Dir: "/media/STICK", Err: &backup.ChunkError{Index: 1, Err: errors.New("gone")}}, exitFailure},
	}
	for _, tt := range tests {
		if got := exitCode(backupExit(tt.err)); got != tt.want {
			t.Errorf("backupExit(%v) exits %d, want %d", tt.err, got, tt.want)
		}
	}
}
