package job_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// TestDiscard: Discard removes the copies a run stored, only those, and
// only while their names hold them: a file written over the name since
// is left alone (ErrReplaced), a copy already gone counts as removed, a
// destination that failed is not in the outcomes, and an older backup in
// the same folder keeps its bytes.
func TestDiscard(t *testing.T) {
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	older := []byte("an older backup")
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, path string) // what happens to the copy after it was stored
		want   error
		kept   bool // the name still holds a file after Discard
	}{
		{name: "stored copy", change: func(*testing.T, string) {}},
		{name: "already gone", change: func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "replaced", want: job.ErrReplaced, kept: true, change: func(t *testing.T, path string) {
			tmp := path + ".other"
			if err := os.WriteFile(tmp, []byte("another program's file"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "rewritten in place", want: job.ErrReplaced, kept: true, change: func(t *testing.T, path string) {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			olderPath := filepath.Join(out, "cake_wallet_backup_2026-11-01_010203")
			if err := os.WriteFile(olderPath, older, 0o600); err != nil {
				t.Fatal(err)
			}
			missing := filepath.Join(t.TempDir(), "not-there")
			made, err := job.Make(t.Context(), opener(), job.Backup{
				Source: src, Dests: []string{"folder:" + out, "folder:" + missing}, Name: "cake_wallet_backup_2026-12-03_010203",
				Password: savePassword, AppVersion: "1.0",
			})
			if made == nil || len(made.Stores.Good()) != 1 {
				t.Fatalf("Make: %v, %v; want one stored copy and one failed destination", made, err)
			}
			path := filepath.Join(out, made.Stores.Good()[0].Entry.Name)
			tc.change(t, path)
			got := job.Discard(t.Context(), opener(), made.Stores)
			if len(got) != 1 || got[0].Location != made.Stores.Good()[0].Entry.Location || !errors.Is(got[0].Err, tc.want) || (tc.want == nil) != (got[0].Err == nil) {
				t.Fatalf("Discard = %v; want the stored copy with %v", got, tc.want)
			}
			if _, err := os.Stat(path); tc.kept != (err == nil) {
				t.Errorf("after Discard, stat %s: %v; want kept %v", path, err, tc.kept)
			}
			if got, err := os.ReadFile(olderPath); err != nil || string(got) != string(older) {
				t.Errorf("the older backup: %q, %v; want it unchanged", got, err)
			}
		})
	}
}
