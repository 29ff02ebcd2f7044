package backup

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestContainerLayout checks what the app relies on: the three entries in
// its order, metadata.json's keys, order, indentation and values, and the
// README lines.
func TestContainerLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wallettest.Write(t, dir, map[string][]byte{"wallets/monero/a/a": []byte("hello")})
	now := time.Date(2026, 11, 25, 1, 2, 3, 4_005_000, time.UTC)
	b, sum := makeBackup(t, dir, "", WriteOptions{AppName: "Cake Wallet", AppVersion: "4.20.0", Now: now, salt: testSalt, keys: testKeys})
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Store {
			t.Errorf("%s has method %d, want stored", f.Name, f.Method)
		}
	}
	if strings.Join(names, ",") != "data.bin,metadata.json,README.txt" {
		t.Errorf("entries %q", names)
	}
	parts := containerParts(t, b)

	var m struct {
		Version int    `json:"version"`
		SHA     string `json:"sha512sum"`
		Chunks  []struct {
			SHA512 struct{ Encrypted, Plain string } `json:"sha512sum"`
			Length struct{ Encrypted, Plain int64 }  `json:"length"`
		} `json:"chunks"`
		Cake string `json:"cakeVersion"`
	}
	if err := json.Unmarshal(parts["metadata.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != 3 || m.SHA != sum.SHA512 || m.Cake != "4.20.0" || len(m.Chunks) != 1 ||
		m.Chunks[0].Length.Encrypted != int64(len(parts["data.bin"])) || m.Chunks[0].Length.Plain != sum.PlainSize {
		t.Errorf("metadata %+v", m)
	}
	wantPrefix := "{\n    \"version\": 3,\n    \"sha512sum\": \"" + sum.SHA512 + "\",\n    \"chunks\": [\n        {\n" +
		"            \"sha512sum\": {\n                \"encrypted\": \""
	if !strings.HasPrefix(string(parts["metadata.json"]), wantPrefix) {
		t.Errorf("metadata.json starts\n%s\nwant\n%s", parts["metadata.json"][:len(wantPrefix)], wantPrefix)
	}
	if !strings.HasSuffix(string(parts["metadata.json"]), "    ],\n    \"cakeVersion\": \"4.20.0\"\n}") {
		t.Errorf("metadata.json ends %q", parts["metadata.json"][len(parts["metadata.json"])-40:])
	}
	wantReadme := "This is a Cake Wallet backup. Do not modify this archive.\n\nApp version: 4.20.0\n\n" +
		"If you have any issues with this backup, please contact our in-app support.\n" +
		"This backup was created on 2026-11-25T01:02:03.004005Z\n"
	if got := string(parts["README.txt"]); got != wantReadme {
		t.Errorf("README.txt\n%s\nwant\n%s", got, wantReadme)
	}
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Info().Created.Equal(now) {
		t.Errorf("Created = %v, want %v", a.Info().Created, now)
	}
}

func TestDartISO8601(t *testing.T) {
	local := time.FixedZone("X", 3600)
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02T03:04:05.000Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 120_000_000, local), "2026-01-02T03:04:05.120"},
		{time.Date(2026, 1, 2, 3, 4, 5, 120_034_000, local), "2026-01-02T03:04:05.120034"},
	} {
		if got := dartISO8601(tt.t); got != tt.want {
			t.Errorf("dartISO8601(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestEmptyMetadataChunks(t *testing.T) {
	b, err := encodeMetadata(&metadata{Version: new(3), SHA512: strings.Repeat("0", 128), CakeVersion: "<&>"})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n    \"version\": 3,\n    \"sha512sum\": \"" + strings.Repeat("0", 128) + "\",\n    \"chunks\": [],\n    \"cakeVersion\": \"<&>\"\n}"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}

// smallBackup returns a backup of a few files cut into 3 or more chunks.
func smallBackup(t *testing.T) []byte {
	t.Helper()
	return smallBackupChunked(t, 1024)
}

// smallBackupChunked is smallBackup cut into chunks of chunk bytes.
func smallBackupChunked(t *testing.T, chunk int) []byte {
	t.Helper()
	dir := t.TempDir()
	wallettest.Write(t, dir, map[string][]byte{
		"wallets/monero/a/a":      bytes.Repeat([]byte("monero "), 300),
		"wallets/monero/a/a.keys": []byte("keys"),
		"wallets/bitcoin/b/b":     bytes.Repeat([]byte("bitcoin "), 200),
	})
	// The shared test salt and keys: the key is derived once per process,
	// and readers given testKeys need not derive it again.
	b, sum := makeBackup(t, dir, "", WriteOptions{AppVersion: "4.20.0", chunkSize: chunk, salt: testSalt, keys: testKeys})
	if sum.Chunks < 3 {
		t.Fatalf("only %d chunks", sum.Chunks)
	}
	return b
}

// TestMetadataTampering edits metadata.json and checks the kind of error
// each reader reports. Chunks of 1024 bytes are whole SHA-512 blocks, so
// a reader may take each chunk's plaintext SHA-512 along with the whole
// archive's, in order (pairHash); chunks of 1000 bytes are not, and the
// workers take it: only the case of a wrong plaintext SHA-512 tells the
// two apart, so only that one runs with both.
func TestMetadataTampering(t *testing.T) {
	t.Parallel()
	for _, chunk := range []int{1024, 1000} {
		t.Run(fmt.Sprintf("chunks of %d", chunk), func(t *testing.T) {
			t.Parallel()
			testMetadataTampering(t, chunk)
		})
	}
}

func testMetadataTampering(t *testing.T, chunkSize int) {
	orig := smallBackupChunked(t, chunkSize)
	parts := containerParts(t, orig)
	var m map[string]any
	if err := json.Unmarshal(parts["metadata.json"], &m); err != nil {
		t.Fatal(err)
	}
	chunk := func(m map[string]any, i int) map[string]any { return m["chunks"].([]any)[i].(map[string]any) }
	flipHex := func(s string) string {
		if s[0] == '0' {
			return "1" + s[1:]
		}
		return "0" + s[1:]
	}
	tests := []struct {
		name     string
		edit     func(m map[string]any)
		raw      []byte // replaces metadata.json when set
		openErr  error  // from Open
		checkErr error  // from CheckIntegrity (no password)
		verify   error  // from Verify
		chunkIdx int    // expected ChunkError index, -1 for none
	}{
		{name: "version 4", edit: func(m map[string]any) { m["version"] = 4 }, openErr: ErrUnsupportedVersion, chunkIdx: -1},
		{name: "version as string", edit: func(m map[string]any) { m["version"] = "3" }, openErr: ErrNotBackup, chunkIdx: -1},
		{name: "no version", edit: func(m map[string]any) { delete(m, "version") }, openErr: ErrNotBackup, chunkIdx: -1},
		{name: "whole checksum", edit: func(m map[string]any) { m["sha512sum"] = flipHex(m["sha512sum"].(string)) }, verify: ErrBadChecksum, chunkIdx: -1},
		{name: "whole checksum not hex", edit: func(m map[string]any) { m["sha512sum"] = "zz" }, openErr: ErrNotBackup, chunkIdx: -1},
		{name: "chunk 1 encrypted checksum", edit: func(m map[string]any) {
			s := chunk(m, 1)["sha512sum"].(map[string]any)
			s["encrypted"] = flipHex(s["encrypted"].(string))
		}, checkErr: ErrBadChecksum, verify: ErrBadChecksum, chunkIdx: 1},
		{name: "chunk 2 plain checksum", edit: func(m map[string]any) {
			s := chunk(m, 2)["sha512sum"].(map[string]any)
			s["plain"] = flipHex(s["plain"].(string))
		}, verify: ErrBadChecksum, chunkIdx: 2},
		{name: "chunk 0 lengths shifted to chunk 1", edit: func(m map[string]any) {
			l0, l1 := chunk(m, 0)["length"].(map[string]any), chunk(m, 1)["length"].(map[string]any)
			l0["encrypted"] = l0["encrypted"].(float64) - 10
			l0["plain"] = l0["plain"].(float64) - 10
			l1["encrypted"] = l1["encrypted"].(float64) + 10
			l1["plain"] = l1["plain"].(float64) + 10
		}, checkErr: ErrBadChecksum, verify: ErrBadChecksum, chunkIdx: 0},
		{name: "chunk lengths do not add up", edit: func(m map[string]any) {
			l := chunk(m, 1)["length"].(map[string]any)
			l["encrypted"] = l["encrypted"].(float64) + 1
			l["plain"] = l["plain"].(float64) + 1
		}, openErr: ErrNotBackup, chunkIdx: -1},
		{name: "chunk length overhead wrong", edit: func(m map[string]any) {
			l := chunk(m, 1)["length"].(map[string]any)
			l["plain"] = l["plain"].(float64) + 1
		}, openErr: ErrNotBackup, chunkIdx: 1},
		{name: "chunk dropped", edit: func(m map[string]any) { m["chunks"] = m["chunks"].([]any)[1:] }, openErr: ErrNotBackup, chunkIdx: -1},
		{name: "not JSON", raw: []byte("{\"version\": 3,"), openErr: ErrNotBackup, chunkIdx: -1},
	}
	for _, tt := range tests {
		if chunkSize != 1024 && tt.name != "chunk 2 plain checksum" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			meta := tt.raw
			if meta == nil {
				var mm map[string]any
				json.Unmarshal(parts["metadata.json"], &mm)
				tt.edit(mm)
				meta, _ = json.MarshalIndent(mm, "", "    ")
			}
			b := rebuildContainer(t, zip.Store,
				zipEntry{name: "data.bin", body: parts["data.bin"]},
				zipEntry{name: "metadata.json", body: meta},
				zipEntry{name: "README.txt", body: parts["README.txt"]})
			a, err := openBytes(b)
			if tt.openErr != nil {
				checkErrKind(t, "Open", err, tt.openErr, tt.chunkIdx)
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			shareKeys(a, testKeys)
			err = a.CheckIntegrity(t.Context())
			if tt.checkErr != nil {
				checkErrKind(t, "CheckIntegrity", err, tt.checkErr, tt.chunkIdx)
			} else if err != nil {
				t.Errorf("CheckIntegrity: %v", err)
			}
			// Verify and Restore with the shared keys (smallBackup seals
			// with them), Decrypt from the password, whose keys are
			// those (shareKeys).
			checkErrKind(t, "Verify", a.verify(t.Context(), testKeys, RestoreOptions{}), tt.verify, tt.chunkIdx)
			checkErrKind(t, "Decrypt", a.Decrypt(t.Context(), testPassword, &bytes.Buffer{}), tt.verify, tt.chunkIdx)
			target := t.TempDir() + "/out"
			_, err = a.restore(t.Context(), testKeys, target, RestoreOptions{})
			checkErrKind(t, "Restore", err, tt.verify, tt.chunkIdx)
			assertAbsent(t, target)
		})
	}
}

func checkErrKind(t *testing.T, what string, err, want error, chunkIdx int) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got %v, want %v", what, err, want)
		return
	}
	var ce *ChunkError
	if chunkIdx >= 0 {
		if !errors.As(err, &ce) || ce.Index != chunkIdx {
			t.Errorf("%s: %v does not name chunk %d", what, err, chunkIdx)
		} else if !strings.HasPrefix(err.Error(), fmt.Sprintf("chunk %d: ", chunkIdx)) {
			t.Errorf("%s: message %q", what, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), testPassword) {
		t.Errorf("%s: error contains the password: %v", what, err)
	}
}

// TestDataTampering changes bytes of data.bin at each field of a chunk's
// blob; the encrypted SHA-512 in metadata.json catches all of them without
// a password. Recomputing that SHA-512 lets the blob's own checks speak.
func TestDataTampering(t *testing.T) {
	// Not parallel: it counts the process's goroutines.
	orig := smallBackup(t)
	parts := containerParts(t, orig)
	a, err := openBytes(orig)
	if err != nil {
		t.Fatal(err)
	}
	c1 := a.chunks[1]
	fields := []struct {
		name string
		off  int
	}{{"version", 0}, {"salt", 1}, {"nonce", 17}, {"tag", 41}, {"checksum", 57}, {"ciphertext", 121}}
	for _, f := range fields {
		for _, fixSums := range []bool{false, true} {
			name := f.name
			if fixSums {
				name += " with checksums recomputed"
			}
			t.Run(name, func(t *testing.T) {
				data := bytes.Clone(parts["data.bin"])
				blob := data[c1.encOff : c1.encOff+c1.encLen]
				blob[f.off] ^= 0x80
				meta := parts["metadata.json"]
				want, checkWant := ErrBadChecksum, ErrBadChecksum
				if fixSums {
					if f.name != "checksum" && f.name != "version" {
						blobChecksum(blob[57:57], blob[:57], blob[121:])
					}
					meta = resumChunk(t, meta, 1, blob)
					switch f.name {
					case "version":
						want, checkWant = ErrUnsupportedVersion, ErrUnsupportedVersion
					case "checksum":
					default:
						// The blob is well-formed, so only the AEAD notices;
						// since chunk 0 decrypts with the same password, the
						// failure is reported as damage, not a wrong password.
						want, checkWant = ErrBadChecksum, nil
					}
				}
				b := rebuildContainer(t, zip.Store,
					zipEntry{name: "data.bin", body: data},
					zipEntry{name: "metadata.json", body: meta},
					zipEntry{name: "README.txt", body: parts["README.txt"]})
				a, err := openBytes(b)
				if err != nil {
					t.Fatal(err)
				}
				shareKeys(a, testKeys)
				err = a.CheckIntegrity(t.Context())
				if checkWant == nil {
					if err != nil {
						t.Errorf("CheckIntegrity: %v", err)
					}
				} else {
					checkErrKind(t, "CheckIntegrity", err, checkWant, 1)
				}
				before := runtime.NumGoroutine()
				// Verify and Restore with the shared keys (smallBackup seals
				// with them), Decrypt from the password, whose keys are
				// those (shareKeys).
				checkErrKind(t, "Verify", a.verify(t.Context(), testKeys, RestoreOptions{}), want, 1)
				checkErrKind(t, "Decrypt", a.Decrypt(t.Context(), testPassword, io.Discard), want, 1)
				target := t.TempDir() + "/out"
				_, err = a.restore(t.Context(), testKeys, target, RestoreOptions{})
				checkErrKind(t, "Restore", err, want, 1)
				assertAbsent(t, target)
				waitGoroutines(t, before)
			})
		}
	}
}

// resumChunk rewrites the encrypted SHA-512 of chunk i in metadata.json.
func resumChunk(t *testing.T, meta []byte, i int, blob []byte) []byte {
	t.Helper()
	m, err := decodeMetadata(meta)
	if err != nil {
		t.Fatal(err)
	}
	m.Chunks[i].SHA512.Encrypted = hexSHA512(blob)
	out, err := encodeMetadata(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
