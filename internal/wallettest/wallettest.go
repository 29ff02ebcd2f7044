// Package wallettest makes wallet data for tests: desktop wallet data
// folders of made-up files, and backups as the wallet app exports them.
package wallettest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Folder writes files, keyed by slash-separated path, into a new
// temporary folder and returns the folder. Files are 0600, folders 0700,
// as the app keeps them.
func Folder(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, files)
	return dir
}

// Sample returns a new temporary copy of the repository's sample wallet
// data folder (examples/wallets, made-up files), with files written over
// it as Folder writes them.
func Sample(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(repoPath(t, "examples", "wallets"))); err != nil {
		t.Fatal(err)
	}
	Write(t, dir, files)
	return dir
}

// AppExportPassword is the password of the exports AppExport makes.
const AppExportPassword = "the password the app showed once"

// AppExport makes a backup as the wallet app exports it, with the
// independent implementation of the format (backup/testdata/cakeformat.py),
// from the sample wallets plus a stand-in for the app-sealed keychain dump
// that holds tag, so exports with different tags differ in content too
// (every export differs anyway: fresh salts and nonces). kind is v3, v2 (a
// bare XChaCha20 blob) or v2chacha (the 2022 layout). It returns the
// export's path, in a new temporary folder. The test is skipped where
// python3-nacl is missing (the script's import of it fails, which one
// Python run tells: a second, only to try the import first, cost as much
// CPU again); CI has it.
func AppExport(t testing.TB, kind, tag string) string {
	t.Helper()
	const py = "/usr/bin/python3"
	src := Sample(t, map[string][]byte{"~_keychain_dump": []byte("sealed by the app " + tag)})
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(AppExportPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "cake_wallet_backup_2026-11-25_1011")
	cmd := exec.Command(py, repoPath(t, "backup", "testdata", "cakeformat.py"), "encrypt", pw, src, out, kind)
	if b, err := cmd.CombinedOutput(); err != nil {
		if bytes.Contains(b, []byte("No module named 'nacl")) {
			t.Skipf("python3-nacl is not installed (apt-get install python3-nacl): %s", bytes.TrimSpace(b))
		}
		t.Fatalf("cakeformat.py encrypt: %v: %s", err, b)
	}
	return out
}

// Write writes files, keyed by slash-separated path, into dir, making the
// folders on their way, as Folder does.
func Write(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// repoPath returns a path in this module's source tree: go test runs a
// package's tests in its folder, below go.mod.
func repoPath(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(append([]string{dir}, elem...)...)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("wallettest: no go.mod above the test's folder")
		}
		dir = parent
	}
}
