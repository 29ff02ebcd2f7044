package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	many := map[string][]byte{}
	for i := range 300 {
		many[fmt.Sprintf("wallets/monero/w%03d/w%03d.keys", i%7, i)] = []byte(fmt.Sprintf("key %d", i))
	}
	tests := []struct {
		name       string
		files      map[string][]byte
		settings   []byte // nil: no settings file
		chunk      int    // 0: 24 MiB
		wantChunks int
		wallets    []string
	}{
		{name: "empty folder", files: nil, wantChunks: 1},
		{name: "one empty file", files: map[string][]byte{"empty": {}}, wantChunks: 1},
		{name: "settings only", settings: []byte(`{"theme":1}`), wantChunks: 1},
		{
			name: "wallets and settings",
			files: map[string][]byte{
				"wallets/monero/main/main":        []byte("cache"),
				"wallets/monero/main/main.keys":   []byte("keys"),
				"wallets/bitcoin/savings/savings": []byte("btc"),
				"~_transaction_descriptions_dump": []byte("{}"),
				"~_preferences_dump":              []byte("replaced by the settings file"),
			},
			settings:   []byte(`{"current_fiat_currency":"USD"}`),
			wantChunks: 1,
			wallets:    []string{"bitcoin/savings", "monero/main"},
		},
		{
			name: "unicode names",
			files: map[string][]byte{
				"wallets/monero/Ünïcødé wallet/Ünïcødé wallet":        []byte("ü"),
				"wallets/bitcoin/日本語/日本語.keys":                        []byte("日本"),
				"wallets/litecoin/emoji 🍰/emoji 🍰":                    []byte("cake"),
				"name with spaces and 'quotes' & [html]/file (1).txt": []byte("x"),
			},
			wantChunks: 1,
			wallets:    []string{"bitcoin/日本語", "litecoin/emoji 🍰", "monero/Ünïcødé wallet"},
		},
		{
			name: "many small files in small chunks", files: many, chunk: 4096, wantChunks: -1,
			wallets: []string{"monero/w000", "monero/w001", "monero/w002", "monero/w003", "monero/w004", "monero/w005", "monero/w006"},
		},
		{
			name:       "several chunks",
			files:      map[string][]byte{"a": bytes.Repeat([]byte("a"), 10000), "b/c": make([]byte, 30000)},
			chunk:      1000,
			wantChunks: -1,
		},
		{name: "chunk boundary inside a header", files: map[string][]byte{"x": make([]byte, 977)}, chunk: 1000, wantChunks: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			wallettest.Write(t, dir, tt.files)
			var settings string
			want := map[string][]byte{}
			for k, v := range tt.files {
				want[k] = v
			}
			if tt.settings != nil {
				settings = filepath.Join(t.TempDir(), "settings.json")
				if err := os.WriteFile(settings, tt.settings, 0o600); err != nil {
					t.Fatal(err)
				}
				want["~_preferences_dump"] = tt.settings
			}
			var progress int64
			// The shared test salt and keys: the key is derived once per
			// process, not at each Write, Verify and Restore.
			b, sum := makeBackup(t, dir, settings, WriteOptions{
				AppName: "Cake Wallet", AppVersion: "4.20.0", chunkSize: tt.chunk,
				OnProgress: func(n int64) { progress += n },
				salt:       testSalt, keys: testKeys,
			})
			checkBackup(t, b, sum, testKeys, want, tt.wantChunks, tt.wallets)
			var total int64
			for _, v := range want {
				total += int64(len(v))
			}
			if progress != total {
				t.Errorf("OnProgress reported %d bytes, want %d", progress, total)
			}
		})
	}
}

// checkBackup runs every reader on backup b and compares with want.
// Verify and Restore run as verify and restore with keys, the keys b was
// sealed with (what Verify and Restore do after deriving them from
// testPassword); List and Decrypt take testPassword, whose keys the
// Archive shares with keys (shareKeys) rather than deriving them again.
func checkBackup(t *testing.T, b []byte, sum *Summary, keys *keyCache, want map[string][]byte, wantChunks int, wallets []string) {
	t.Helper()
	ctx := context.Background()
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	shareKeys(a, keys)
	info := a.Info()
	if info.Version != 3 || info.AppName != "Cake Wallet" || info.AppVersion != "4.20.0" || info.Created.IsZero() {
		t.Errorf("Info = %+v", info)
	}
	if info.Size != int64(len(b)) || info.PlainSize != sum.PlainSize || info.Chunks != sum.Chunks || info.SHA512 != sum.SHA512 {
		t.Errorf("Info = %+v, Summary = %+v", info, sum)
	}
	if wantChunks >= 0 && info.Chunks != wantChunks {
		t.Errorf("%d chunks, want %d", info.Chunks, wantChunks)
	}
	if wantChunks < 0 && info.Chunks < 2 {
		t.Errorf("%d chunks, want several", info.Chunks)
	}
	if err := a.CheckIntegrity(ctx); err != nil {
		t.Fatalf("CheckIntegrity: %v", err)
	}
	if err := a.verify(ctx, keys, RestoreOptions{}); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	entries, err := a.List(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	gotSizes, wantSizes := map[string]int64{}, map[string]int64{}
	for _, e := range entries {
		gotSizes[e.Name] = e.Size
	}
	for k, v := range want {
		wantSizes[k] = int64(len(v))
	}
	if !reflect.DeepEqual(gotSizes, wantSizes) {
		t.Errorf("List = %v, want %v", gotSizes, wantSizes)
	}
	if got := a.Wallets(entries); !reflect.DeepEqual(got, wallets) {
		t.Errorf("Wallets = %q, want %q", got, wallets)
	}

	var plain bytes.Buffer
	plain.Grow(int(sum.PlainSize))
	if err := a.Decrypt(ctx, testPassword, &plain); err != nil {
		t.Fatal(err)
	}
	if s := sha512.Sum512(plain.Bytes()); hex.EncodeToString(s[:]) != sum.SHA512 || int64(plain.Len()) != sum.PlainSize {
		t.Errorf("decrypted archive does not match the summary")
	}
	zr, err := zip.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("inner archive is not sorted by name: %q", names)
	}

	target := filepath.Join(t.TempDir(), "restored")
	if _, err := a.restore(ctx, keys, target, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, target)
	if len(got) != len(want) {
		t.Errorf("restored %d files, want %d", len(got), len(want))
	}
	for k, v := range want {
		if !bytes.Equal(got[k], v) {
			t.Errorf("restored %q = %d bytes, want %d bytes", k, len(got[k]), len(v))
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
}

// TestRoundTripRealChunkSize uses the real 24 MiB chunks: 24 MiB of
// random data and the ZIP headers around it make two. Write draws its own
// salt, as by default; keys only keeps the key it derives for the readers.
func TestRoundTripRealChunkSize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string][]byte{"wallets/monero/big/big": wallettest.RandomBytes(t, defaultChunkSize), "wallets/monero/big/big.keys": []byte("k")}
	wallettest.Write(t, dir, files)
	keys := newKeyCache(testPassword)
	b, sum := makeBackup(t, dir, "", WriteOptions{AppName: "Cake Wallet", AppVersion: "4.20.0", keys: keys})
	if sum.Chunks != 2 {
		t.Errorf("%d chunks, want 2", sum.Chunks)
	}
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if l := a.chunks[0].encLen - blobOverhead; l != defaultChunkSize {
		t.Errorf("first chunk holds %d plaintext bytes, want %d", l, defaultChunkSize)
	}
	checkBackup(t, b, sum, keys, files, 2, []string{"monero/big"})
}

// TestExampleWallets backs up the sample data shipped in examples/.
func TestExampleWallets(t *testing.T) {
	t.Parallel()
	dir, settings := filepath.Join("..", "examples", "wallets"), filepath.Join("..", "examples", "settings.json")
	b, sum := makeBackup(t, dir, settings, WriteOptions{AppName: "Cake Wallet", AppVersion: "4.20.0", salt: testSalt, keys: testKeys})
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	shareKeys(a, testKeys)
	entries, err := a.List(context.Background(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bitcoin/savings", "litecoin/spending", "monero/main"}
	if got := a.Wallets(entries); !reflect.DeepEqual(got, want) {
		t.Errorf("Wallets = %q, want %q", got, want)
	}
	if sum.Chunks != 1 {
		t.Errorf("%d chunks", sum.Chunks)
	}
}
