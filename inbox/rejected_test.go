package inbox

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// TestRejected: a check's error rejects the file (noted, not read again
// until it changes) only when it says something of the file's bytes. A
// failure to read them (a drive pulled out, a network folder dropped) is
// no verdict, even where the format's check words it as damage, as it
// does for a read of data.bin that fails: such a file is tried again.
func TestRejected(t *testing.T) {
	readErr := &fs.PathError{Op: "read", Path: "/media/phone/cake_wallet_backup_2026-12-01_930", Err: syscall.EIO}
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"damaged", fmt.Errorf("chunk 0: %w", backup.ErrBadChecksum), true},
		{"not a backup", fmt.Errorf("zip: not a valid zip file: %w", backup.ErrNotBackup), true},
		{"wrong password", backup.ErrDecrypt, true},
		{"a read that failed, worded as damage", fmt.Errorf("chunk 0: reading data.bin: %w: %w", backup.ErrBadChecksum, readErr), false},
		{"a read that failed, worded as no backup", fmt.Errorf("reading metadata.json: %w: %w", backup.ErrNotBackup, readErr), false},
		{"a read that failed", fmt.Errorf("reading backup: %w", readErr), false},
		{"something else", errors.New("out of memory"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := rejected(tt.err); got != tt.want {
				t.Errorf("rejected(%q) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
