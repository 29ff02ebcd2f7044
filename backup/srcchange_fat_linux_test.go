package backup

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/internal/disktest"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// mountFAT mounts a new small FAT file system (the kernel's vfat, else
// fusefat), as root; elsewhere the test is skipped.
func mountFAT(t *testing.T) string {
	t.Helper()
	return disktest.MountFAT(t, disktest.FAT{Size: 40 << 20}).Dir
}

// TestWriteSourceChangedOnFAT: on FAT, whose modification times move in
// 2 s steps (and which keeps no status change time), a wallet file saved
// in place while it is read, its size unchanged, can keep the times it
// had. Such a file, changed just before its read, is read again and the
// change found: the backup fails with a *ChangedError. It was accepted
// with bytes that could mix two versions. A file left alone backs up.
func TestWriteSourceChangedOnFAT(t *testing.T) {
	mnt := mountFAT(t)
	for _, tc := range []struct {
		name    string
		change  bool
		changed bool
	}{
		{"left alone", false, false},
		{"saved in place", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(mnt, strings.ReplaceAll(tc.name, " ", "_"))
			content := wallettest.RandomBytes(t, 64<<10)
			wallettest.Write(t, dir, map[string][]byte{"wallets/monero/a/a": content, "wallets/monero/a/a.keys": []byte("keys")})
			path := filepath.Join(dir, "wallets", "monero", "a", "a")
			src, err := Collect(t.Context(), dir, "")
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			onProgress := func(int64) {
				if calls++; calls == 1 && tc.change { // the first piece of a
					writeAt(t, path, 10, []byte("torn"))
				}
			}
			var buf bytes.Buffer
			_, err = Write(t.Context(), &buf, src, WriteOptions{Password: testPassword, chunkSize: 1 << 20, OnProgress: onProgress, salt: testSalt, keys: testKeys})
			if !tc.changed {
				if err != nil {
					t.Fatal(err)
				}
				a, err := openBytes(buf.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				shareKeys(a, testKeys) // Write sealed with them
				to := filepath.Join(t.TempDir(), "restored")
				if err := a.Restore(t.Context(), testPassword, to); err != nil {
					t.Fatal(err)
				}
				if got := readTree(t, to)["wallets/monero/a/a"]; !bytes.Equal(got, content) {
					t.Errorf("restored %d bytes, not the %d backed up", len(got), len(content))
				}
				return
			}
			var ce *ChangedError
			if !errors.As(err, &ce) || ce.Path != path || !errors.Is(err, ErrSourceChanged) {
				t.Fatalf("got %v, want a *ChangedError for %s", err, path)
			}
		})
	}
}
