package proton

import (
	"context"
	"fmt"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// checkServerNeverSeesPlaintext: names and bytes are encrypted on this
// machine; nothing the server stores holds the backup's name, its folder
// names, the temporary upload name or any run of its bytes.
func checkServerNeverSeesPlaintext(t *testing.T, f *fakeProton) {
	ctx := context.Background()
	dest, err := NewDestination(f.connect(t), "/CakeVaultFolder/Nested")
	if err != nil {
		t.Fatal(err)
	}
	const name = "cake_wallet_backup_2026-11-25_PLAINNAME"
	payload := wallettest.RandomBytes(t, 2*4<<20+4321)
	if _, err := putBackup(ctx, dest, name, payload); err != nil {
		t.Fatal(err)
	}
	stored, err := f.srv.Stored()
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Blocks) < 3 {
		t.Fatalf("server holds %d blocks, want the 3 of the backup", len(stored.Blocks))
	}
	needles := map[string][]byte{
		"backup name":   []byte(name),
		"folder name":   []byte("CakeVaultFolder"),
		"nested folder": []byte("Nested"),
		"upload marker": []byte(uploadingMarker),
	}
	for _, off := range []int{0, 4<<20 - 16, 4 << 20, 8<<20 + 100, len(payload) - 48} {
		needles[fmt.Sprintf("payload bytes at %d", off)] = payload[off : off+48]
	}
	for what, needle := range needles {
		if stored.Contains(needle) {
			t.Errorf("the server stores the %s in the clear", what)
		}
	}
}
