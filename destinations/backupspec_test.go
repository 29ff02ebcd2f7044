package destinations

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenStored(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cake_wallet_backup_1")
	if err := os.WriteFile(file, []byte("backup bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The file's path, and folder:PATH as ls folder:DIR lists it.
	for _, arg := range []string{file, "folder:" + file} {
		r, err := NewRegistry().OpenStored(context.Background(), arg)
		if err != nil {
			t.Fatalf("OpenStored(%q): %v", arg, err)
		}
		b, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
		r.Close()
		if err != nil || string(b) != "backup bytes" {
			t.Fatalf("OpenStored(%q): read %q, %v", arg, b, err)
		}
	}
	for _, tt := range []struct {
		arg  string
		want error
	}{
		{dir, ErrNotAFile},
		{"folder:" + dir, ErrNotAFile},
		{filepath.Join(dir, "missing"), ErrNoSuchFile},
		{"folder:" + filepath.Join(dir, "missing"), ErrNoSuchFile},
		{"proton:/Backups/", ErrNoBackupName},
		// A registered kind alone names a place, not a backup.
		{"downloads", ErrNoBackupName},
		// A file name in the current folder that is not there (a typo)
		// is a missing file, not a destination kind without a name.
		{"mybackup", ErrNoSuchFile},
	} {
		r := NewRegistry()
		r.Register("downloads", "downloads  your Downloads folder", func(context.Context, string) (Destination, error) {
			return nil, errors.New("not opened in this test")
		})
		if _, err := r.OpenStored(context.Background(), tt.arg); !errors.Is(err, tt.want) {
			t.Errorf("OpenStored(%q) = %v, want %v", tt.arg, err, tt.want)
		}
	}
}

func TestJoinBackup(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"downloads", "downloads:NAME"},
		{"usb:", "usb:NAME"},
		{"usb:WALLETS", "usb:WALLETS/NAME"},
		{"proton:/", "proton:/NAME"},
		{"proton:/Backups", "proton:/Backups/NAME"},
		{"proton:/Backups/", "proton:/Backups/NAME"},
		{"folder:/srv/b", "folder:/srv/b/NAME"},
	} {
		got := JoinBackup(tc.spec, "NAME")
		if got != tc.want {
			t.Errorf("JoinBackup(%q) = %q, want %q", tc.spec, got, tc.want)
		}
		if _, name, err := SplitBackup(got); err != nil || name != "NAME" {
			t.Errorf("SplitBackup(%q) = %q, %v; want the name back", got, name, err)
		}
	}
}
