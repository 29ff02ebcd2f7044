package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

// VerdictOf tells a wrong password and a damaged file from a failure to
// read one, which says nothing of the backup even where the format's
// check words it as damage.
func TestVerdictOf(t *testing.T) {
	readErr := &fs.PathError{Op: "read", Path: "/media/STICK/b", Err: syscall.EIO}
	for _, tt := range []struct {
		name string
		err  error
		want Verdict
	}{
		{"nil", nil, NoVerdict},
		{"wrong password", fmt.Errorf("f: %w", ErrDecrypt), WrongPassword},
		{"bad checksum", fmt.Errorf("f: %w", ErrBadChecksum), Damaged},
		{"blob checksum", fmt.Errorf("f: %w", ErrBlobChecksum), Damaged},
		{"bad length", fmt.Errorf("f: %w", ErrBadLength), Damaged},
		{"unknown version", fmt.Errorf("f: %w", ErrUnsupportedVersion), Damaged},
		{"not a backup", fmt.Errorf("f: %w", ErrNotBackup), Damaged},
		{"legacy v1", fmt.Errorf("f: %w", ErrLegacyV1), Damaged},
		{"unsafe entry", fmt.Errorf("f: %w", ErrUnsafePath), Damaged},
		{"chunk", &ChunkError{Index: 2, Err: errors.New("short")}, Damaged},
		{"target not empty", fmt.Errorf("restore: %w", ErrTargetNotEmpty), NoVerdict},
		{"permission", fmt.Errorf("open: %w", fs.ErrPermission), NoVerdict},
		{"something else", errors.New("out of memory"), NoVerdict},
		{"a read that failed, worded as damage", &ChunkError{Index: 0, Err: fmt.Errorf("reading data.bin: %w: %w", ErrBadChecksum, readErr)}, NoVerdict},
		{"a read that failed, worded as no backup", fmt.Errorf("reading metadata.json: %w: %w", ErrNotBackup, readErr), NoVerdict},
		{"a dropped connection", &ChunkError{Index: 3, Err: fmt.Errorf("reading data.bin: %w", &ReadError{Err: errors.New("connection reset")})}, NoVerdict},
		{"restore folder gone", &TargetGoneError{Dir: "/media/STICK", Err: &ChunkError{Index: 1, Err: errors.New("gone")}}, NoVerdict},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerdictOf(tt.err); got != tt.want {
				t.Errorf("VerdictOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
