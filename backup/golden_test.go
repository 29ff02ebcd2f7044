package backup_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// The golden backups in testdata/golden were made once by the independent
// implementation testdata/cakeformat.py (testdata/golden/generate.py says
// how), so these tests check the reader against it without Python.

// goldenPassword is the password generate.py sealed them with.
const goldenPassword = "gölden pässword 🔑 v2 & v3"

// goldenFiles is what every golden backup holds, as generate.py wrote it.
func goldenFiles() map[string][]byte {
	return map[string][]byte{
		"wallets/monero/golden wallet/golden wallet":             []byte("monero wallet cache \x00\x01\x02\n"),
		"wallets/monero/golden wallet/golden wallet.keys":        bytes.Repeat(allBytes(), 4),
		"wallets/monero/golden wallet/golden wallet.address.txt": []byte("4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge\n"),
		"wallets/bitcoin/größe/größe.address.txt":                []byte("bc1qgrößetest0000000000000000000000000\n"),
		"wallets/bitcoin/empty/empty.txt":                        {},
	}
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

var goldenBackups = []struct {
	file    string
	version int
	app     string // the app README.txt names; "" for a bare blob
}{
	{"v3.bin", 3, "Cake Wallet"}, // the app's container since 2024
	{"v2-xchacha.bin", 2, ""},    // a bare v2 blob, XChaCha20 (24-byte nonce)
	{"v2-chacha2022.bin", 2, ""}, // the 2022 v2 layout, ChaCha20 (12-byte nonce)
}

func openGolden(t *testing.T, data []byte) (*backup.Archive, error) {
	t.Helper()
	return backup.Open(bytes.NewReader(data), int64(len(data)))
}

// TestGoldenBackupsRestore: each golden backup opens, verifies with its
// password and restores exactly its files; a wrong password is refused.
func TestGoldenBackupsRestore(t *testing.T) {
	t.Parallel()
	for _, g := range goldenBackups {
		t.Run(g.file, func(t *testing.T) {
			ctx := context.Background()
			data, err := os.ReadFile(filepath.Join("testdata", "golden", g.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(data) > 8<<10 {
				t.Errorf("%s is %d bytes; golden files stay small", g.file, len(data))
			}
			a, err := openGolden(t, data)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if info := a.Info(); info.Version != g.version || info.AppName != g.app {
				t.Errorf("Info = version %d app %q, want %d %q", info.Version, info.AppName, g.version, g.app)
			}
			if err := a.Verify(ctx, goldenPassword); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := a.Verify(ctx, strings.ToUpper(goldenPassword)); !errors.Is(err, backup.ErrDecrypt) {
				t.Fatalf("Verify with a wrong password = %v, want ErrDecrypt", err)
			}
			to := filepath.Join(t.TempDir(), "restored")
			if err := a.Restore(ctx, goldenPassword, to); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			got := map[string][]byte{}
			err = filepath.WalkDir(to, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				rel, _ := filepath.Rel(to, p)
				got[filepath.ToSlash(rel)] = b
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := goldenFiles()
			for name, b := range want {
				if g, ok := got[name]; !ok || !bytes.Equal(g, b) {
					t.Errorf("%s: restored %q (present %v), want %q", name, g, ok, b)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("restored %s, which the backup does not hold", name)
				}
			}
		})
	}
}

// TestGoldenBackupsDamaged: one flipped byte in a golden backup's
// signature, sealed data or ZIP directory is caught as damage or a failed
// decryption, never taken for good. (TestEveryByteFlipRefused flips every
// byte, and lists the few ZIP fields whose flip no reader can notice.)
func TestGoldenBackupsDamaged(t *testing.T) {
	t.Parallel()
	for _, g := range goldenBackups {
		t.Run(g.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "golden", g.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range []int{0, len(data) / 4, len(data) / 2, 3 * len(data) / 4, len(data) - 1} {
				bad := bytes.Clone(data)
				bad[at] ^= 0x01
				a, err := openGolden(t, bad)
				if err == nil {
					err = a.Verify(context.Background(), goldenPassword)
				}
				if err == nil {
					t.Errorf("byte %d flipped: the backup still verifies", at)
					continue
				}
				if !errors.Is(err, backup.ErrBadChecksum) && !errors.Is(err, backup.ErrNotBackup) &&
					!errors.Is(err, backup.ErrUnsupportedVersion) && !errors.Is(err, backup.ErrDecrypt) {
					t.Errorf("byte %d flipped: %v, want a damaged-backup error", at, err)
				}
			}
		})
	}
}

// The two bare v2 blobs seal the same inner archive and differ only in
// their nonce: 24 bytes for XChaCha20, 12 for the 2022 ChaCha20 layout.
func TestGoldenV2Layouts(t *testing.T) {
	x, err := os.Stat(filepath.Join("testdata", "golden", "v2-xchacha.bin"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := os.Stat(filepath.Join("testdata", "golden", "v2-chacha2022.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if x.Size()-c.Size() != 24-12 {
		t.Fatalf("XChaCha20 blob %d bytes, ChaCha20 blob %d: want nonces of 24 and 12 bytes around the same data", x.Size(), c.Size())
	}
}
