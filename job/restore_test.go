package job_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
)

// TestRestore: a restore refuses a folder that is not empty before it
// opens the backup, and a backup that does not open (an *OpenError)
// before it asks for the password; a password that could not be had
// stops it; a wrong one fails the restore, which returns what it did;
// the right one restores.
func TestRestore(t *testing.T) {
	t.Parallel()
	file := goldenCopy(t, "v3.bin")
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), nil, 0o600)
	noPassword := errors.New("no password given")
	tests := []struct {
		name, arg string
		full      bool // restore into a folder holding a file
		password  string
		pwErr     error
		asked     bool
		restored  bool // a Restored is returned
		check     func(error) bool
	}{
		{"folder not empty", "folder:/nowhere/" + filepath.Base(file), true, goldenPassword, nil, false, false,
			func(err error) bool {
				_, ok := err.(*backup.TargetError)
				return ok
			}},
		{"no such backup", filepath.Join(t.TempDir(), "missing"), false, goldenPassword, nil, false, false,
			func(err error) bool {
				return errors.As(err, new(*job.OpenError)) && errors.Is(err, destinations.ErrNoSuchFile)
			}},
		{"no password", file, false, "", noPassword, true, false, func(err error) bool { return err == noPassword }},
		{"wrong password", file, false, "wrong", nil, true, true, func(err error) bool { return errors.Is(err, backup.ErrDecrypt) }},
		{"restored", file, false, goldenPassword, nil, true, true, func(err error) bool { return err == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := filepath.Join(t.TempDir(), "restored")
			if tt.full {
				to = full
			}
			asked := false
			restored, err := job.Restore(t.Context(), readRegistry(), job.Restoring{Arg: tt.arg, To: to,
				Password: func() (string, error) {
					asked = true
					return tt.password, tt.pwErr
				}})
			if !tt.check(err) || asked != tt.asked || (restored != nil) != tt.restored {
				t.Fatalf("Restore = %+v, %v; password asked %v, want %v", restored, err, asked, tt.asked)
			}
			if restored != nil && (restored.OK != (err == nil) || restored.To != to || restored.File != tt.arg || restored.Canonical) {
				t.Errorf("Restored %+v", restored)
			}
			if _, statErr := os.Stat(filepath.Join(to, "wallets")); (statErr == nil) != (err == nil) {
				t.Errorf("restored files there: %v, want %v", statErr == nil, err == nil)
			}
		})
	}
}
