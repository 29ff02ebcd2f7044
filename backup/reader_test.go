package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestTruncation cuts a backup at many offsets: every reader must fail
// with one of our errors, never succeed and never panic.
func TestTruncation(t *testing.T) {
	orig := smallBackup(t)
	offsets := []int{0, 1, 2, 3, 4, 30, 100, 121, 500, 1024, 2000}
	for off := 2500; off < len(orig); off += len(orig) / 23 {
		offsets = append(offsets, off)
	}
	for i := 1; i <= 30; i++ {
		offsets = append(offsets, len(orig)-i)
	}
	kinds := []error{ErrBadLength, ErrUnsupportedVersion, ErrBadChecksum, ErrDecrypt, ErrNotBackup}
	for _, off := range offsets {
		if off < 0 || off >= len(orig) {
			continue
		}
		b := orig[:off]
		a, err := openBytes(b)
		if err == nil {
			err = a.CheckIntegrity(t.Context())
		}
		if err == nil {
			err = a.Verify(t.Context(), testPassword)
		}
		if err == nil {
			t.Errorf("truncated at %d of %d: no error", off, len(orig))
			continue
		}
		known := false
		for _, k := range kinds {
			known = known || errors.Is(err, k)
		}
		if !known {
			t.Errorf("truncated at %d: unclassified error %v", off, err)
		}
	}
}

// TestTruncatedBlob cuts a bare v2 blob at every offset.
func TestTruncatedBlob(t *testing.T) {
	t.Parallel()
	orig := sealBlobFast(t, innerZip(t, []zipEntry{{name: "a", body: []byte("hello")}}))
	for off := 0; off < len(orig); off++ {
		a, err := openBytes(orig[:off])
		if err == nil {
			err = a.CheckIntegrity(t.Context())
		}
		if !errors.Is(err, ErrBadLength) && !errors.Is(err, ErrBadChecksum) {
			t.Errorf("cut at %d: %v", off, err)
		}
	}
}

func TestWrongPassword(t *testing.T) {
	t.Parallel()
	b := smallBackup(t)
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIntegrity(t.Context()); err != nil {
		t.Fatalf("CheckIntegrity needs no password: %v", err)
	}
	const wrong = "correct horse battery stapler"
	checkErrKind(t, "Verify", a.Verify(t.Context(), wrong), ErrDecrypt, -1)
	_, err = a.List(t.Context(), wrong)
	checkErrKind(t, "List", err, ErrDecrypt, -1)
	var out bytes.Buffer
	checkErrKind(t, "Decrypt", a.Decrypt(t.Context(), wrong, &out), ErrDecrypt, -1)
	if out.Len() != 0 {
		t.Errorf("Decrypt wrote %d bytes with a wrong password", out.Len())
	}
	target := filepath.Join(t.TempDir(), "out")
	checkErrKind(t, "Restore", a.Restore(t.Context(), wrong, target), ErrDecrypt, -1)
	assertAbsent(t, target)
	for _, e := range []error{a.Verify(t.Context(), wrong), a.Decrypt(t.Context(), wrong, &out)} {
		if bytes.Contains([]byte(e.Error()), []byte(wrong)) {
			t.Errorf("error contains the password: %v", e)
		}
		if strings.Contains(e.Error(), "chunk") {
			t.Errorf("a wrong password is blamed on a chunk: %v", e)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	good := smallBackup(t)
	parts := containerParts(t, good)
	blob := sealBlobFast(t, []byte("x"))
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty file", nil, ErrBadLength},
		{"version 1", append([]byte{1}, blob[1:]...), ErrLegacyV1},
		{"unknown first byte", []byte("hello world"), ErrUnsupportedVersion},
		{"short v2 blob", blob[:50], ErrBadLength},
		{"PK but not a zip", []byte("PK\x03\x04 not really"), ErrNotBackup},
		{"zip without metadata", rebuildContainer(t, zip.Store, zipEntry{name: "data.bin", body: parts["data.bin"]}), ErrNotBackup},
		{"zip without data", rebuildContainer(t, zip.Store, zipEntry{name: "metadata.json", body: parts["metadata.json"]}), ErrNotBackup},
		{"data.bin twice", rebuildContainer(t, zip.Store,
			zipEntry{name: "data.bin", body: parts["data.bin"]},
			zipEntry{name: "data.bin", body: parts["data.bin"]},
			zipEntry{name: "metadata.json", body: parts["metadata.json"]}), ErrNotBackup},
		{"data.bin longer than its chunks", rebuildContainer(t, zip.Store,
			zipEntry{name: "data.bin", body: append(bytes.Clone(parts["data.bin"]), 0)},
			zipEntry{name: "metadata.json", body: parts["metadata.json"]}), ErrNotBackup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openBytes(tt.b)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	_, err := openBytes(append([]byte{1}, blob[1:]...))
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("not supported")) {
		t.Errorf("v1 error %q does not say it is not supported", err)
	}
}

// TestAppStyleContainer reads a container laid out like the app's: every
// entry deflated (the app writes level 9), no README, so data.bin must be
// inflated front to back instead of read at random.
func TestAppStyleContainer(t *testing.T) {
	orig := smallBackup(t)
	parts := containerParts(t, orig)
	b := rebuildContainer(t, zip.Deflate,
		zipEntry{name: "data.bin", body: parts["data.bin"]},
		zipEntry{name: "metadata.json", body: parts["metadata.json"]})
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if a.dataReaderAt() != nil {
		t.Fatal("deflated data.bin offered random access")
	}
	if err := a.CheckIntegrity(t.Context()); err != nil {
		t.Fatal(err)
	}
	// With the shared keys smallBackup seals with.
	if err := a.verify(t.Context(), testKeys, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "out")
	if _, err := a.restore(t.Context(), testKeys, target, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, target)
	if len(got) != 3 || !bytes.Equal(got["wallets/monero/a/a.keys"], []byte("keys")) {
		t.Errorf("restored %d files", len(got))
	}
	// A damaged deflated data.bin is caught by ZIP's CRC-32 too.
	bad := bytes.Clone(parts["data.bin"])
	bad[200] ^= 1
	b = rebuildContainer(t, zip.Deflate,
		zipEntry{name: "data.bin", body: bad},
		zipEntry{name: "metadata.json", body: parts["metadata.json"]})
	if a, err = openBytes(b); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIntegrity(t.Context()); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("CheckIntegrity of damaged data: %v", err)
	}
}

// TestBareV2Backup restores an old-style backup: the inner archive sealed
// as one v2 blob, no container.
func TestBareV2Backup(t *testing.T) {
	t.Parallel()
	inner := innerZip(t, []zipEntry{
		{name: "wallets/monero/old/old.keys", body: []byte("old keys")},
		{name: "~_preferences_dump", body: []byte("{}")},
	})
	// Sealed and read with the shared test salt and keys; List and the
	// wrong password go through the password.
	b := sealBlobFast(t, inner)
	path := filepath.Join(t.TempDir(), "cake_wallet_backup_old")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := Open(f, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.verify(t.Context(), testKeys, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	entries, err := a.List(t.Context(), testPassword)
	if err != nil || len(entries) != 2 {
		t.Fatalf("List = %v, %v", entries, err)
	}
	if w := a.Wallets(entries); len(w) != 1 || w[0] != "monero/old" {
		t.Errorf("Wallets = %q", w)
	}
	target := filepath.Join(t.TempDir(), "out")
	if _, err := a.restore(t.Context(), testKeys, target, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, target); string(got["wallets/monero/old/old.keys"]) != "old keys" {
		t.Errorf("restored %q", got)
	}
	if err := a.Verify(t.Context(), "nope"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("wrong password: %v", err)
	}
}

// TestReadCancel cancels Decrypt, Verify and CheckIntegrity part way: each
// stops with the context's error and leaves no goroutine behind.
func TestReadCancel(t *testing.T) {
	b := smallBackup(t)
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	shareKeys(a, testKeys) // smallBackup seals with them
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(t.Context())
	w := &cancellingWriter{limit: 1500, cancel: cancel}
	if err := a.Decrypt(ctx, testPassword, w); !errors.Is(err, context.Canceled) {
		t.Errorf("Decrypt: %v", err)
	}
	waitGoroutines(t, before)
	for name, run := range map[string]func(context.Context) error{
		"Verify":         func(ctx context.Context) error { return a.Verify(ctx, testPassword) },
		"CheckIntegrity": a.CheckIntegrity,
		"Restore": func(ctx context.Context) error {
			return a.Restore(ctx, testPassword, filepath.Join(t.TempDir(), "out"))
		},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := run(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", name, err)
		}
		waitGoroutines(t, before)
	}
}
