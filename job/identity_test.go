package job_test

import (
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// Make and Send report each stored copy's SHA-512 and the destination's
// identity of it, so the next check can trust it without reading it.
func TestStoredCopiesAreIdentified(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	out, out2 := t.TempDir(), t.TempDir()
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + out}, Name: "cake_wallet_backup_2026-11-25_010203",
		Password: savePassword, AppVersion: "1.0",
	})
	if err != nil {
		t.Fatal(err)
	}
	st := made.Stores[0]
	check := func(st job.Stored, dir string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, st.Entry.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha512.Sum512(data); st.SHA512 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: SHA512 %q is not that of the stored file", st.Dest, st.SHA512)
		}
		id, err := openFolder(t, dir).(destinations.Identifier).Identity(t.Context(), st.Entry.Name)
		if err != nil {
			t.Fatal(err)
		}
		if st.Identity == "" || st.Identity != id {
			t.Errorf("%s: identity %q, the folder says %q", st.Dest, st.Identity, id)
		}
	}
	check(st, out)
	sent, err := job.Send(t.Context(), opener(), job.Shipment{File: filepath.Join(out, st.Entry.Name), Dests: []string{"folder:" + out2}, WantSHA512: true})
	if err != nil {
		t.Fatal(err)
	}
	check(sent.Stores[0], out2)
	if sent.Stores[0].SHA512 != st.SHA512 {
		t.Errorf("Send's SHA-512 %s differs from Make's %s", sent.Stores[0].SHA512, st.SHA512)
	}
}
