package destinations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// shelf is a destination of a kind made up for the test: the files of a
// folder, opened by name. Only Spec, Open and Close are used.
type shelf struct {
	Destination
	spec, dir string
	closed    *int
}

func (s shelf) Spec() string { return s.spec }

func (s shelf) Open(ctx context.Context, name string) (Reader, error) {
	f, err := os.Open(filepath.Join(s.dir, name))
	if err != nil {
		return nil, fmt.Errorf("no backup %s on the shelf: %w", name, ErrNotFound)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return NewFileReader(f, fi.Size()), nil
}

func (s shelf) Close() error { *s.closed++; return nil }

// OpenBackup splits the spec into a destination and a name, opens both,
// and says which destination it was in a *BackupOpenError when they do
// not open: the destination to list, with no splitting by the caller.
func TestOpenBackup(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cake_wallet_backup_1"), []byte("backup bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	errOffline := errors.New("the shelf is offline")
	var closed int
	r := NewRegistry()
	r.Register("shelf", "shelf  a test's shelf", func(_ context.Context, arg string) (Destination, error) {
		if arg == "/offline" {
			return nil, errOffline
		}
		return shelf{spec: "shelf:" + arg, dir: dir, closed: &closed}, nil
	})

	rd, err := r.OpenBackup(t.Context(), "shelf:/Backups/cake_wallet_backup_1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(io.NewSectionReader(rd, 0, rd.Size()))
	if err != nil || string(b) != "backup bytes" {
		t.Fatalf("read %q, %v; want the backup's bytes", b, err)
	}
	if err := rd.Close(); err != nil || closed != 1 {
		t.Fatalf("Close() = %v, destination closed %d times; want nil, once", err, closed)
	}

	for _, tt := range []struct {
		spec string
		// want is wrapped by the error; dest and name are the
		// *BackupOpenError's, "" when there is none.
		want       error
		dest, name string
		text       string
	}{
		{"shelf:/Backups/missing", ErrNotFound, "shelf:/Backups", "missing", "shelf:/Backups/missing: no backup missing on the shelf: not found"},
		// A kind alone: ls takes "shelf".
		{"shelf:missing", ErrNotFound, "shelf", "missing", "shelf:/missing: no backup missing on the shelf: not found"},
		{"shelf:/offline/cake_wallet_backup_1", errOffline, "shelf:/offline", "cake_wallet_backup_1", "destination shelf:/offline: the shelf is offline"},
		{"shelf:/Backups/", ErrNoBackupName, "", "", "shelf:/Backups/ names a folder, not a backup"},
	} {
		closed = 0
		_, err := r.OpenBackup(t.Context(), tt.spec)
		if !errors.Is(err, tt.want) {
			t.Errorf("OpenBackup(%q) = %v, want %v", tt.spec, err, tt.want)
			continue
		}
		if err.Error() != tt.text {
			t.Errorf("OpenBackup(%q) = %q, want %q", tt.spec, err, tt.text)
		}
		var be *BackupOpenError
		switch {
		case errors.As(err, &be) != (tt.dest != ""):
			t.Errorf("OpenBackup(%q) = %T, a *BackupOpenError: %v", tt.spec, err, tt.dest != "")
		case be != nil && (be.Dest.String() != tt.dest || be.Name != tt.name):
			t.Errorf("OpenBackup(%q): Dest %q, Name %q; want %q, %q", tt.spec, be.Dest, be.Name, tt.dest, tt.name)
		}
		if tt.want == ErrNotFound && closed != 1 {
			t.Errorf("OpenBackup(%q) closed the destination %d times, want once", tt.spec, closed)
		}
	}
}
