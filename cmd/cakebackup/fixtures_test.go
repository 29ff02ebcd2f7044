package main

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// fixture is a file made once per run of the tests, by the first test that
// asks for it, and given to each test that asks as its own copy: tests
// that only read a backup need not pay for making one (a key derivation
// per create, two Python runs per app export).
type fixture struct {
	name string // the file's name in binDir/fixtures
	make func(t *testing.T) string

	once    sync.Once
	path    string // "" when making it failed or was skipped
	skipped bool   // the test that made it was skipped (e.g. no python3-nacl)
}

// copyFor returns a new copy of the fixture, under its original name, in
// a temporary folder of t's, making the fixture first if no test has.
func (f *fixture) copyFor(t *testing.T) string {
	t.Helper()
	f.once.Do(func() {
		defer func() { f.skipped = f.path == "" && t.Skipped() }() // also on t.Skip or t.Fatal
		made := f.make(t)
		keep := filepath.Join(binDir, "fixtures", f.name, filepath.Base(made))
		if err := os.MkdirAll(filepath.Dir(keep), 0o700); err != nil {
			t.Fatal(err)
		}
		copyFile(t, made, keep)
		f.path = keep
	})
	if f.path == "" {
		if f.skipped {
			t.Skipf("fixture %s: skipped in the test that made it first", f.name)
		}
		t.Fatalf("fixture %s could not be made (see the test that made it first)", f.name)
	}
	to := filepath.Join(t.TempDir(), filepath.Base(f.path))
	copyFile(t, f.path, to)
	return to
}

// copyFile copies the file at from to a new 0600 file at to. It streams
// (io.Copy between two files, which Linux does in the kernel with
// copy_file_range), where reading the whole file into memory first cost a
// fresh buffer of its size each time: 48 MiB for bigSnapshotFixture.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// appExports are app-style exports of each kind (see appExport).
var appExports = map[string]*fixture{
	"v3":       appExportFixture("v3"),
	"v2":       appExportFixture("v2"),
	"v2chacha": appExportFixture("v2chacha"),
}

// appExportFixture is an export of kind as wallettest.AppExport makes it,
// with the kind as the keychain dump's stand-in.
func appExportFixture(kind string) *fixture {
	return &fixture{name: "export-" + kind, make: func(t *testing.T) string {
		return wallettest.AppExport(t, kind, kind)
	}}
}

// sampleBackupPassword is the password of sampleBackup.
const sampleBackupPassword = "correct horse battery staple 42"

// sampleBackupFixture is a backup of the sample wallets and settings made
// by createBackup, with sampleBackupPassword.
var sampleBackupFixture = &fixture{name: "sample-backup", make: func(t *testing.T) string {
	return createBackup(t, newCLI(t), writePasswordFile(t, sampleBackupPassword))
}}

// sampleBackup returns the test's own copy, alone in a new folder, of a
// backup of the sample wallets and settings that create made and
// verified, and a file holding its password; for the tests about reading
// backups, not making them.
func sampleBackup(t *testing.T) (file, pwFile string) {
	t.Helper()
	return sampleBackupFixture.copyFor(t), writePasswordFile(t, sampleBackupPassword)
}

// sampleBackupData returns the bytes of sampleBackup's backup, for the
// tests that store it under names of their own.
func sampleBackupData(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(sampleBackupFixture.copyFor(t))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// bigWalletSource makes, once per run, a wallet data folder holding one
// 48 MiB wallet file of random bytes: random data does not compress, so
// a backup of it takes a while (time to interrupt it) and needs more
// room than a small stick has. The tests only read it.
var bigWalletSource = onceFixture(func() (string, error) {
	dir := filepath.Join(binDir, "fixtures", "big-wallets")
	wallet := filepath.Join(dir, "wallets", "monero", "big")
	if err := os.MkdirAll(wallet, 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(wallet, "big.keys"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(wallettest.Random(48 << 20)); err != nil {
		f.Close()
		return "", err
	}
	return dir, f.Close()
})

// writeScript writes an executable script to path. It holds
// syscall.ForkLock while the file is open for writing, so that no process
// started meanwhile by another test inherits the open file: running the
// script would then fail with "text file busy" (ETXTBSY) until that
// process has called exec (Go issue 22315). Seen with the fake zenity.
func writeScript(t *testing.T, path, script string) {
	t.Helper()
	syscall.ForkLock.RLock()
	err := os.WriteFile(path, []byte(script), 0o755)
	syscall.ForkLock.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
}

// onceFixture returns the getter of a fixture that build makes once per
// run, for every test (or benchmark) that asks: it gives build's result,
// and fails the caller with build's error.
func onceFixture(build func() (string, error)) func(testing.TB) string {
	get := sync.OnceValues(build)
	return func(tb testing.TB) string {
		tb.Helper()
		v, err := get()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}
