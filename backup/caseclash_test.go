package backup

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// caseClashWallets are an app export's wallets "Wallet" and "wallet": the
// app allows both on a phone, whose file system tells them apart.
var caseClashWallets = []zipEntry{
	{name: "wallets/monero/Wallet/Wallet", body: []byte("upper")},
	{name: "wallets/monero/Wallet/Wallet.keys", body: []byte("upper keys")},
	{name: "wallets/monero/wallet/wallet", body: []byte("lower")},
	{name: "wallets/monero/wallet/wallet.keys", body: []byte("lower keys")},
	{name: "wallets/monero/Café/Café", body: []byte("nfc")},
	{name: "wallets/monero/Cafe\u0301/Cafe\u0301", body: []byte("nfd")},
}

// Verify accepts names that differ only in case or accents, and restore
// writes them apart on a file system that tells them apart (Linux's).
// Verify refused such an export as an "unsafe entry". Names that are one
// file everywhere are still refused.
func TestCaseClashVerifiesAndRestores(t *testing.T) {
	ctx := t.Context()
	a, err := openBytes(sealInnerFast(t, innerZip(t, caseClashWallets), 256))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.verify(ctx, testKeys, RestoreOptions{}); err != nil {
		t.Fatalf("verify: %v", err)
	}
	to := filepath.Join(t.TempDir(), "restored")
	if _, err := a.restore(ctx, testKeys, to, RestoreOptions{}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	got := readTree(t, to)
	for _, e := range caseClashWallets {
		if string(got[e.name]) != string(e.body) {
			t.Errorf("%s restored as %q, want %q", e.name, got[e.name], e.body)
		}
	}
	if len(got) != len(caseClashWallets) {
		t.Errorf("restored %d files, want %d", len(got), len(caseClashWallets))
	}

	for _, tc := range []struct {
		name    string
		entries []zipEntry
		why     string
	}{
		{"twice", []zipEntry{{name: "wallets/monero/a/a", body: []byte("1")}, {name: "wallets/monero/a/a", body: []byte("2")}}, "appears twice"},
		{"inside a file", []zipEntry{{name: "wallets/monero/a", body: []byte("1")}, {name: "wallets/monero/a/a", body: []byte("2")}}, `lies inside the file "wallets/monero/a"`},
	} {
		a, err := openBytes(sealInnerFast(t, innerZip(t, tc.entries), 256))
		if err != nil {
			t.Fatal(err)
		}
		err = a.verify(ctx, testKeys, RestoreOptions{})
		if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: verify = %v, want an unsafe entry that %s", tc.name, err, tc.why)
		}
	}
}
