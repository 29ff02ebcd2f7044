package runner

import (
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestRejectedLabel: schedule prune names a backup it left alone for
// what its check found; one whose read failed (a stick pulled out) is
// unreadable, not damaged nor "not a backup".
func TestRejectedLabel(t *testing.T) {
	readErr := &fs.PathError{Op: "read", Path: "/media/STICK/b", Err: syscall.EIO}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("chunk 0: %w", backup.ErrBadChecksum), "damaged"},
		{fmt.Errorf("f: %w", backup.ErrNotBackup), "not a backup"},
		{&schedule.SumReadError{Err: readErr}, "unreadable"},
		{&backup.ChunkError{Index: 2, Err: fmt.Errorf("reading data.bin: %w", &backup.ReadError{Err: readErr})}, "unreadable"},
		{&backup.ContainerError{Offset: 2000, Reason: "the file ends before its container does", Backup: true, CutShort: true}, "cut short"},
		{&backup.ContainerError{Offset: 20, Reason: "the end of central directory record is missing", Backup: true}, "damaged"},
	} {
		if got := RejectedLabel(tt.err); got != tt.want {
			t.Errorf("RejectedLabel(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
