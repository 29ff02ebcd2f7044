package job_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
)

// List tells backups from other files by name, and by content for a
// backup someone renamed.
func TestList(t *testing.T) {
	dir := t.TempDir()
	golden, err := os.ReadFile(filepath.Join("..", "backup", "testdata", "golden", "v3.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"cake_wallet_backup_2026-11-25_010203": []byte("named as the app names them"),
		"renamed.bin":                          golden,
		"notes.txt":                            []byte("not a backup"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := job.List(context.Background(), openFolder(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	names := func(es []destinations.Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(l.Backups), []string{"cake_wallet_backup_2026-11-25_010203", "renamed.bin"}; !slices.Equal(got, want) {
		t.Errorf("backups %q, want %q", got, want)
	}
	if got := names(l.Others); !slices.Equal(got, []string{"notes.txt"}) {
		t.Errorf("others %q, want notes.txt", got)
	}
}
