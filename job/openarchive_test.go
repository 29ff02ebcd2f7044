package job_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n *atomic.Int64
}

func (c countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// OpenArchive opens a backup named by its path or by folder:PATH, reading
// through the wrapper it is given; what is not there or not named is
// OpenStored's error, what is there but no backup a *job.FormatError
// whose text names the backup once.
func TestOpenArchive(t *testing.T) {
	dir := t.TempDir()
	golden, err := os.ReadFile(filepath.Join("..", "backup", "testdata", "golden", "v3.bin"))
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "cake_wallet_backup_2026-11-25_010203")
	notBackup := filepath.Join(dir, "notes.txt")
	for name, data := range map[string][]byte{good: golden, notBackup: []byte("not a backup at all, just some words")} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	reg := destinations.NewRegistry()
	local.Register(reg, func(string) string { return "" }, local.Detector{}, nil)

	for _, tt := range []struct {
		name, arg string
		// want is the error wrapped, nil for a backup that opens.
		want   error
		format bool
	}{
		{"path", good, nil, false},
		{"folder spec", "folder:" + good, nil, false},
		{"not a backup", notBackup, backup.ErrUnsupportedVersion, true},
		{"folder spec, not a backup", "folder:" + notBackup, backup.ErrUnsupportedVersion, true},
		{"missing file", filepath.Join(dir, "missing"), destinations.ErrNoSuchFile, false},
		{"missing at folder spec", "folder:" + filepath.Join(dir, "missing"), destinations.ErrNoSuchFile, false},
		{"a folder", dir, destinations.ErrNotAFile, false},
		{"folder spec without a name", "folder:" + dir + "/", destinations.ErrNoBackupName, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			wrap := func(r destinations.Reader) io.ReaderAt { return countingReader{r, &n} }
			a, c, err := job.OpenArchive(t.Context(), reg, tt.arg, wrap)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("OpenArchive(%q): %v", tt.arg, err)
				}
				defer c.Close()
				if got := a.Info().Version; got != 3 {
					t.Errorf("version %d, want 3", got)
				}
				if n.Load() == 0 {
					t.Error("nothing was read through the wrapper")
				}
				return
			}
			if a != nil || c != nil {
				t.Errorf("OpenArchive(%q) = %v, %v with an error, want nil", tt.arg, a, c)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("OpenArchive(%q) = %v, want %v", tt.arg, err, tt.want)
			}
			var fe *job.FormatError
			if got := errors.As(err, &fe); got != tt.format {
				t.Fatalf("OpenArchive(%q) = %T %v: a *job.FormatError %v, want %v", tt.arg, err, err, got, tt.format)
			}
			if tt.format {
				if fe.Arg != tt.arg {
					t.Errorf("FormatError.Arg %q, want %q", fe.Arg, tt.arg)
				}
				if got := strings.Count(err.Error(), filepath.Base(tt.arg)); got != 1 {
					t.Errorf("%q names the backup %d times, want once", err, got)
				}
			}
		})
	}
}
