package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestColdWalletFilesRoundTrip: wallet files that are not in the page
// cache, which create reads directly (directio), one of an aligned size
// and one not, and one of more blocks than are read ahead, come back from
// the backup byte for byte.
func TestColdWalletFilesRoundTrip(t *testing.T) {
	t.Parallel()
	want := map[string][]byte{
		"wallets/monero/a/a": wallettest.RandomBytes(t, 3<<20),
		"wallets/monero/b/b": wallettest.RandomBytes(t, 2<<20+4097),
		"wallets/monero/c/c": wallettest.RandomBytes(t, readAhead*readBlock+readBlock/2+4097),
	}
	dir := wallettest.Folder(t, want)
	wallettest.DropCached(t, dir)
	b, _ := makeBackup(t, dir, "", WriteOptions{chunkSize: 1 << 20, salt: testSalt, keys: testKeys})
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	shareKeys(a, testKeys) // the keys Write sealed with
	target := filepath.Join(t.TempDir(), "restored")
	if err := a.Restore(context.Background(), testPassword, target); err != nil {
		t.Fatal(err)
	}
	for name, body := range want {
		got, err := os.ReadFile(filepath.Join(target, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: %d bytes restored (%v), want the %d written", name, len(got), err, len(body))
		}
	}
}
