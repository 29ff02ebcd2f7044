package backup_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
)

const savePassword = "a long and unguessable test password"

func walletDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSaveToFolder(t *testing.T) {
	dir := walletDir(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("PLAINTEXT-MARKER spend key")})
	src, err := backup.Collect(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	dest, err := local.NewFolder(out)
	if err != nil {
		t.Fatal(err)
	}
	entry, sum, err := backup.Save(t.Context(), dest, "cake_wallet_backup_2026-11-25_010203", src, backup.WriteOptions{Password: savePassword, AppVersion: "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if entry.Size != sum.Size || entry.Name != "cake_wallet_backup_2026-11-25_010203" {
		t.Errorf("entry %+v, summary %+v", entry, sum)
	}
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

func TestSaveLeavesNothingOnFailure(t *testing.T) {
	dir := walletDir(t, map[string][]byte{"wallets/monero/main/main": bytes.Repeat([]byte("x"), 1000)})
	src, err := backup.Collect(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("cancelled", func(t *testing.T) {
		out := t.TempDir()
		dest, _ := local.NewFolder(out)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, _, err := backup.Save(ctx, dest, "b", src, backup.WriteOptions{Password: savePassword}); err == nil {
			t.Fatal("Save with a cancelled context succeeded")
		}
		assertEmpty(t, out)
	})
	t.Run("no password", func(t *testing.T) {
		out := t.TempDir()
		dest, _ := local.NewFolder(out)
		if _, _, err := backup.Save(t.Context(), dest, "b", src, backup.WriteOptions{}); err == nil {
			t.Fatal("Save without a password succeeded")
		}
		assertEmpty(t, out)
	})
	t.Run("disk fills up while writing", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("mounting a tmpfs needs root")
		}
		mnt := t.TempDir()
		if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).Run(); err != nil {
			t.Skip("cannot mount a tmpfs:", err)
		}
		t.Cleanup(func() { exec.Command("umount", mnt).Run() })
		// The wallet grows after it was collected, so the size estimate
		// passes the free-space check and the disk fills mid-write.
		grown := walletDir(t, map[string][]byte{"wallets/monero/main/main": []byte("small")})
		src, err := backup.Collect(t.Context(), grown, "")
		if err != nil {
			t.Fatal(err)
		}
		big := make([]byte, 3<<20)
		os.WriteFile(filepath.Join(grown, "wallets/monero/main/main"), big, 0o600)
		dest, err := local.NewFolder(mnt)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = backup.Save(t.Context(), dest, "b", src, backup.WriteOptions{Password: savePassword})
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
