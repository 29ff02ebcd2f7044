package job_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

const savePassword = "a long and unguessable test password"

func TestMakeToFolder(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("PLAINTEXT-MARKER spend key")})
	out := t.TempDir()
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + out}, Name: "cake_wallet_backup_2026-11-25_010203",
		Password: savePassword, AppVersion: "1.0",
	})
	if err != nil {
		t.Fatal(err)
	}
	entry, sum := made.Stores[0].Entry, made.Summary
	if entry.Size != sum.Size || entry.Name != "cake_wallet_backup_2026-11-25_010203" {
		t.Errorf("entry %+v, summary %+v", entry, sum)
	}
	dest := openFolder(t, out)
	fi, err := os.Stat(filepath.Join(out, entry.Name))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600", fi.Mode().Perm())
	}
	r, err := dest.Open(t.Context(), entry.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	a, err := backup.Open(r, r.Size())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(t.Context(), savePassword); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(out, entry.Name))
	if len(raw) == 0 || bytes.Contains(raw, []byte(savePassword)) || bytes.Contains(raw, []byte("PLAINTEXT-MARKER")) || bytes.Contains(raw, []byte("main.keys")) {
		t.Error("backup file holds the password or plaintext")
	}
}

func TestMakeLeavesNothingOnFailure(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main": bytes.Repeat([]byte("x"), 1000)})
	t.Run("cancelled", func(t *testing.T) {
		out := t.TempDir()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := job.Make(ctx, opener(), job.Backup{Source: dir, Dests: []string{"folder:" + out}, Name: "b", Password: savePassword}); err == nil {
			t.Fatal("Make with a cancelled context succeeded")
		}
		assertEmpty(t, out)
	})
	t.Run("no password", func(t *testing.T) {
		out := t.TempDir()
		if _, err := job.Make(t.Context(), opener(), job.Backup{Source: dir, Dests: []string{"folder:" + out}, Name: "b"}); !errors.Is(err, job.ErrNoPassword) {
			t.Fatalf("Make without a password: %v, want ErrNoPassword", err)
		}
		assertEmpty(t, out)
	})
	t.Run("disk fills up while writing", func(t *testing.T) {
		mnt := smallDisk(t, "2m")
		// The wallet grows after it was collected, so the size estimate
		// passes the free-space check and the disk fills mid-write.
		grown := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main": []byte("small")})
		grow := func(*backup.Source) {
			os.WriteFile(filepath.Join(grown, "wallets/monero/main/main"), make([]byte, 3<<20), 0o600)
		}
		_, err := job.Make(t.Context(), opener(), job.Backup{Source: grown, Dests: []string{"folder:" + mnt}, Name: "b", Password: savePassword, OnCollected: grow})
		if !errors.Is(err, destinations.ErrNoSpace) {
			t.Errorf("got %v, want ErrNoSpace", err)
		}
		assertEmpty(t, mnt)
	})
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind in %s: %s", dir, e.Name())
	}
}

// TestMakeForAppAnySpelling: --for-app is matched whatever its case, and
// README.txt names the app in its own spelling, which the app compares.
func TestMakeForAppAnySpelling(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("keys")})
	for _, tc := range []struct {
		forApp, want string
	}{
		{"Monero.com", "Monero.com"},
		{"monero.com", "Monero.com"},
		{"cake wallet", "Cake Wallet"},
		{"", "Cake Wallet"},
	} {
		out := t.TempDir()
		made, err := job.Make(t.Context(), opener(), job.Backup{
			Source: dir, Dests: []string{"folder:" + out}, Password: savePassword, AppVersion: "1.0", ForApp: tc.forApp,
		})
		if err != nil {
			t.Errorf("ForApp %q: %v", tc.forApp, err)
			continue
		}
		f, err := os.Open(filepath.Join(out, made.Stores[0].Entry.Name))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		a, err := backup.Open(f, fi.Size())
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Info().AppName; got != tc.want {
			t.Errorf("ForApp %q: README.txt names %q, want %q", tc.forApp, got, tc.want)
		}
		f.Close()
	}
	var unknown *job.UnknownAppError
	if _, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + t.TempDir()}, Password: savePassword, ForApp: "Other Wallet",
	}); !errors.As(err, &unknown) {
		t.Errorf("ForApp Other Wallet: %v, want an UnknownAppError", err)
	}
}
