package backup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCaseClashRefusedOnFAT: restoring names that differ only in case
// onto FAT, which makes them one file, is refused before anything is
// written, with one line naming both and the target; nothing is left. A
// backup without such names restores there.
func TestCaseClashRefusedOnFAT(t *testing.T) {
	mnt := mountFAT(t)
	ctx := t.Context()
	a, err := openBytes(sealInnerFast(t, innerZip(t, caseClashWallets[:4]), 256))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{filepath.Join(mnt, "restored"), mnt} {
		_, err = a.restore(ctx, testKeys, to, RestoreOptions{})
		if !errors.Is(err, ErrNameClash) {
			t.Fatalf("restore to %s = %v, want ErrNameClash", to, err)
		}
		msg := err.Error()
		for _, want := range []string{`"wallets/monero/Wallet/Wallet"`, `"wallets/monero/wallet/wallet"`, to, "case-sensitive"} {
			if !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line with %s", msg, want)
			}
		}
	}
	entries, err := os.ReadDir(mnt)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// fusefat names a file removed while still open so until the
		// FUSE daemon hears it closed, which comes a moment later.
		if !strings.HasPrefix(e.Name(), ".fuse_hidden") {
			t.Errorf("left on the FAT file system: %s", e.Name())
		}
	}

	b, err := openBytes(sealInnerFast(t, innerZip(t, caseClashWallets[:2]), 256))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.restore(ctx, testKeys, filepath.Join(mnt, "one"), RestoreOptions{}); err != nil {
		t.Fatalf("restore without a clash onto FAT: %v", err)
	}
}
