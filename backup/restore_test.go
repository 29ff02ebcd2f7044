package backup

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestRestoreRefusesUnsafeEntries seals hand-made inner archives whose
// entries try to escape the target folder.
func TestRestoreRefusesUnsafeEntries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		entry zipEntry
	}{
		{"parent", zipEntry{name: "../evil", body: []byte("x")}},
		{"parent inside", zipEntry{name: "wallets/../../evil", body: []byte("x")}},
		{"absolute", zipEntry{name: "/tmp/evil", body: []byte("x")}},
		{"backslash parent", zipEntry{name: "..\\evil", body: []byte("x")}},
		{"backslash absolute", zipEntry{name: "\\tmp\\evil", body: []byte("x")}},
		{"drive letter", zipEntry{name: "C:/evil", body: []byte("x")}},
		{"symlink", zipEntry{name: "wallets/link", body: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}},
		{"device", zipEntry{name: "wallets/dev", body: nil, mode: fs.ModeDevice | 0o600}},
		{"empty name", zipEntry{name: "", body: []byte("x")}},
		{"trailing parent", zipEntry{name: "wallets/..", body: []byte("x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := innerZip(t, []zipEntry{{name: "wallets/monero/ok/ok", body: []byte("fine")}, tt.entry})
			a, err := openBytes(sealInnerFast(t, inner, 64))
			if err != nil {
				t.Fatal(err)
			}
			base := t.TempDir()
			target := filepath.Join(base, "sub", "out")
			_, err = a.restore(t.Context(), testKeys, target, RestoreOptions{})
			if !errors.Is(err, ErrUnsafePath) {
				t.Fatalf("got %v, want ErrUnsafePath", err)
			}
			assertAbsent(t, target)
			if _, err := os.Lstat(filepath.Join(base, "evil")); err == nil {
				t.Error("an entry escaped the target folder")
			}
		})
	}
}

func TestRestoreTarget(t *testing.T) {
	t.Parallel()
	b := smallBackup(t)
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	// restore is Restore with the shared keys smallBackup and
	// sealInnerFast seal with, so that the key is not derived again for
	// each restore; the password's own path is checked once, below.
	restore := func(ctx context.Context, a *Archive, target string) error {
		_, err := a.restore(ctx, testKeys, target, RestoreOptions{})
		return err
	}
	t.Run("not empty", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "full")
		wallettest.Write(t, target, map[string][]byte{"mine": []byte("keep me")})
		if err := restore(t.Context(), a, target); !errors.Is(err, ErrTargetNotEmpty) {
			t.Fatalf("got %v", err)
		}
		got := readTree(t, target)
		if len(got) != 1 || string(got["mine"]) != "keep me" {
			t.Errorf("target changed: %q", got)
		}
		if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 1 {
			t.Errorf("left beside the target: %v", entries)
		}
	})
	t.Run("a file", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "file")
		os.WriteFile(target, []byte("x"), 0o600)
		if err := restore(t.Context(), a, target); !errors.Is(err, ErrTargetNotEmpty) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("empty folder is filled in place", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "empty")
		if err := os.Mkdir(target, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := restore(t.Context(), a, target); err != nil {
			t.Fatal(err)
		}
		if got := readTree(t, target); len(got) != 3 {
			t.Errorf("restored %d files", len(got))
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "out")
		ctx, cancel := contextCancelled(t)
		cancel()
		if err := restore(ctx, a, target); err == nil {
			t.Fatal("restore with a cancelled context succeeded")
		}
		assertAbsent(t, target)
	})
	t.Run("missing parents are removed on failure", func(t *testing.T) {
		base := t.TempDir()
		target := filepath.Join(base, "new", "deeper", "out")
		if err := a.Restore(t.Context(), "wrong password", target); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("got %v", err)
		}
		tampered := smallBackupTamperedAt(t, 0) // fails mid-extraction, after the folders were made
		if err := restore(t.Context(), tampered, target); !errors.Is(err, ErrBadChecksum) {
			t.Fatalf("got %v", err)
		}
		if entries, _ := os.ReadDir(base); len(entries) != 0 {
			t.Errorf("left behind: %v", entries)
		}
		if err := restore(t.Context(), a, target); err != nil {
			t.Fatal(err)
		}
		if got := readTree(t, filepath.Join(base, "new")); len(got) != 3 {
			t.Errorf("restored %d files", len(got))
		}
	})
	t.Run("duplicate entries", func(t *testing.T) {
		inner := innerZip(t, []zipEntry{{name: "a", body: []byte("1")}, {name: "a", body: []byte("2")}})
		a, err := openBytes(sealInnerFast(t, inner, 0))
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(t.TempDir(), "out")
		if err := restore(t.Context(), a, target); err == nil {
			t.Fatal("restored an archive with one name twice")
		}
		assertAbsent(t, target)
	})
	t.Run("folder entries", func(t *testing.T) {
		inner := innerZip(t, []zipEntry{{name: "wallets/", mode: fs.ModeDir | 0o755}, {name: "wallets/x/y", body: []byte("y")}})
		a, err := openBytes(sealInnerFast(t, inner, 0))
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(t.TempDir(), "out")
		if err := restore(t.Context(), a, target); err != nil {
			t.Fatal(err)
		}
		if got := readTree(t, target); string(got["wallets/x/y"]) != "y" {
			t.Errorf("restored %q", got)
		}
	})
}

// TestRestoreDamagedInnerArchive seals an inner "archive" whose CRC-32 is
// wrong: every chunk decrypts, but the ZIP check must stop the restore.
func TestRestoreDamagedInnerArchive(t *testing.T) {
	t.Parallel()
	inner := innerZip(t, []zipEntry{{name: "wallets/monero/a/a", body: []byte("precious wallet data")}})
	i := bytesIndex(inner, []byte("precious"))
	inner[i] ^= 1
	// The shared test salt and keys: the key is derived once per process.
	a, err := openBytes(sealInnerFast(t, inner, 50))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIntegrity(t.Context()); err != nil {
		t.Fatalf("CheckIntegrity: %v", err)
	}
	if err := a.verify(t.Context(), testKeys, RestoreOptions{}); !errors.Is(err, ErrNotBackup) {
		t.Errorf("Verify: %v", err)
	}
	target := filepath.Join(t.TempDir(), "out")
	if _, err := a.restore(t.Context(), testKeys, target, RestoreOptions{}); !errors.Is(err, ErrNotBackup) {
		t.Errorf("Restore: %v", err)
	}
	assertAbsent(t, target)
	// Not a ZIP at all.
	a, err = openBytes(sealInnerFast(t, []byte("just some bytes, no zip"), 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.verify(t.Context(), testKeys, RestoreOptions{}); !errors.Is(err, ErrNotBackup) {
		t.Errorf("Verify of a non-ZIP: %v", err)
	}
}

// smallBackupTamperedAt returns smallBackup with one ciphertext byte of
// chunk i flipped.
func smallBackupTamperedAt(t *testing.T, i int) *Archive {
	t.Helper()
	b := smallBackup(t)
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	off, err := a.data.DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	b[off+a.chunks[i].encOff+blobOverhead] ^= 1
	if a, err = openBytes(b); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCheckRestoreTarget: only a new or empty folder can be restored
// into; a file (however it is written), a symbolic link and a folder
// holding something are a *TargetError that says which, wrapping ErrTargetNotEmpty.
func TestCheckRestoreTarget(t *testing.T) {
	dir := t.TempDir()
	empty, full, file := filepath.Join(dir, "empty"), filepath.Join(dir, "full"), filepath.Join(dir, "file")
	for _, d := range []string{empty, full} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{file, filepath.Join(full, "x")} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(empty, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir  string
		want string // the error, "" for none
	}{
		{filepath.Join(dir, "new"), ""},
		{empty, ""},
		{full, full + " is not empty"},
		{file, file + " exists and is not a folder"},
		{file + "/", file + "/ exists and is not a folder"},
		// Even to an empty folder: the rename would replace the link.
		{link, link + " is a symbolic link, not a folder"},
		// Below a file: it cannot be made.
		{filepath.Join(file, "x"), filepath.Join(file, "x") + " cannot be made: " + file + " exists and is not a folder"},
		{filepath.Join(file, "x", "y"), filepath.Join(file, "x", "y") + " cannot be made: " + file + " exists and is not a folder"},
		{filepath.Join(link, "new"), ""},
	}
	for _, tt := range tests {
		err := CheckRestoreTarget(tt.dir)
		var target *TargetError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckRestoreTarget(%s) = %v, want nil", tt.dir, err)
		case tt.want != "" && (!errors.As(err, &target) || !errors.Is(err, ErrTargetNotEmpty) || err.Error() != tt.want):
			t.Errorf("CheckRestoreTarget(%s) = %v, want a *TargetError %q wrapping ErrTargetNotEmpty", tt.dir, err, tt.want)
		}
	}
}
