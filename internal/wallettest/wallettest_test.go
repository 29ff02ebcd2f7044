package wallettest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

func TestFolder(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	p := filepath.Join(dir, "wallets", "monero", "main", "main.keys")
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "spend key" {
		t.Fatalf("main.keys = %q, %v", b, err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("main.keys mode: %v, %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(p)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("wallet folder mode: %v, %v", fi.Mode(), err)
	}
}

func TestSample(t *testing.T) {
	dir := wallettest.Sample(t, map[string][]byte{"~_keychain_dump": []byte("stand-in")})
	want, err := os.ReadFile("../../examples/wallets/~_transaction_descriptions_dump")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "~_transaction_descriptions_dump")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("~_transaction_descriptions_dump of the copy: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "~_keychain_dump")); err != nil || string(got) != "stand-in" {
		t.Fatalf("replaced file = %q, %v", got, err)
	}
}
