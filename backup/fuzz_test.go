package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exercise runs Open, CheckIntegrity and Verify on b. It must never panic;
// errors are expected. keys is shared between inputs (the fuzz targets
// pass testKeys, which the seeds are sealed with) so that mutants of a
// valid seed, which keep its salt, do not each pay for PBKDF2. (List, Decrypt and Restore share Verify's reading
// code; running them too would triple the key derivations per input.)
func exercise(t *testing.T, keys *keyCache, b []byte) {
	ctx := context.Background()
	a, err := openBytes(b)
	if err != nil {
		return
	}
	_ = a.Info()
	if err := a.CheckIntegrity(ctx); err != nil {
		return
	}
	_ = a.verify(ctx, keys, RestoreOptions{})
}

func FuzzOpenBlob(f *testing.F) {
	x, _ := hex.DecodeString(vectorXBlob)
	legacy, _ := hex.DecodeString(vectorLegacy)
	sealed := sealBlobFast(f, innerZip(f, []zipEntry{{name: "wallets/a/b/c", body: []byte("c")}}))
	f.Add(x)
	f.Add(legacy)
	f.Add(sealed)
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2})
	f.Add(append([]byte{1}, x[1:]...))
	f.Add(x[:minBlobLen])
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parseBlob(b); err == nil && len(b) < minBlobLen {
			t.Fatalf("parsed a %d-byte blob", len(b))
		}
		exercise(t, testKeys, b)
	})
}

func FuzzOpenContainer(f *testing.F) {
	inner := innerZip(f, []zipEntry{{name: "wallets/monero/a/a", body: bytes.Repeat([]byte("a"), 300)}, {name: "~_preferences_dump", body: []byte("{}")}})
	good := sealInnerFast(f, inner, 128)
	f.Add(good)
	f.Add(good[:len(good)/2])
	parts := containerParts(f, good)
	f.Add(rebuildContainer(f, zip.Deflate,
		zipEntry{name: "data.bin", body: parts["data.bin"]},
		zipEntry{name: "metadata.json", body: parts["metadata.json"]}))
	f.Add(rebuildContainer(f, zip.Store,
		zipEntry{name: "data.bin", body: parts["data.bin"]},
		zipEntry{name: "metadata.json", body: []byte(`{"version":3,"sha512sum":"00","chunks":[{"length":{"encrypted":99999999999,"plain":1}}]}`)}))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, b []byte) {
		exercise(t, testKeys, b)
	})
}

// innerSeeds are hostile inner archives, generated: entries escaping the
// folder, links and pipes, duplicates and case clashes, a directory
// ordered round-robin, entries sharing data, a deflated entry claiming a
// huge size.
func innerSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		innerZip(t, []zipEntry{{name: "wallets/monero/a/a", body: []byte("a")}, {name: "~_preferences_dump", body: []byte("{}")}}),
		innerZip(t, []zipEntry{{name: "wallets/", mode: fs.ModeDir | 0o755}, {name: "wallets/x/y", body: []byte("y")}}),
		innerZip(t, []zipEntry{{name: "A", body: []byte("1")}, {name: "a/b", body: []byte("2")}}),
		innerZip(t, []zipEntry{{name: "x", body: []byte("1")}, {name: "x", body: []byte("2")}}),
		innerZip(t, []zipEntry{{name: "link", body: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}}),
		innerZip(t, []zipEntry{{name: "fifo", mode: fs.ModeNamedPipe | 0o600}}),
		roundRobinDirectory(t, manySmallFiles(t, 40, 10), 3),
		sharedDataArchive(t, innerZip(t, []zipEntry{{name: "f00000", body: make([]byte, 100)}}), 5),
	}
	for _, n := range []string{"../evil", "/abs", `a\b`, "C:x", "CON", "trail.", "a//b", "nul\x00"} {
		seeds = append(seeds, innerZip(t, []zipEntry{{name: n, body: []byte("x")}}))
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "bomb", Method: zip.Deflate})
	w.Write(make([]byte, 1<<20))
	zw.Close()
	return append(seeds, buf.Bytes())
}

// FuzzInnerArchive runs the checks and extraction of Verify and Restore
// on inner archives (unencrypted, so the fuzzer reaches them): no panic,
// an archive whose entries all read back also extracts, and extraction
// writes exactly the planned files inside its folder and nothing else.
func FuzzInnerArchive(f *testing.F) {
	for _, s := range innerSeeds(f) {
		f.Add(s)
	}
	base := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		zr, dir, err := readInnerZip(r, int64(len(b)))
		if err != nil {
			return
		}
		plan, err := planZip(r, zr, dir, 4<<20)
		if err != nil {
			if !errors.Is(err, ErrUnsafePath) && !errors.Is(err, ErrNotBackup) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("plan error of no known kind: %v", err)
			}
			return
		}
		if err := readPlanned(t.Context(), nil, plan); err != nil {
			return // damaged: Verify fails, so Restore may too
		}
		parent, err := os.MkdirTemp(base, "p")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(parent)
		root := filepath.Join(parent, "root")
		if err := os.Mkdir(root, 0o700); err != nil {
			t.Fatal(err)
		}
		x := &extractor{root: root}
		for _, e := range plan.entries {
			if err := x.extract(e); err != nil {
				t.Fatalf("verifies but does not restore: %v", err)
			}
		}
		want := 0
		for _, e := range plan.entries {
			if !e.dir {
				want++
			}
		}
		got := 0
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if !d.Type().IsRegular() {
					t.Errorf("restored a %v: %s", d.Type(), p)
				}
				got++
			}
			return nil
		})
		if got != want {
			t.Errorf("restored %d files, planned %d", got, want)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Errorf("written beside the restore folder: %v", entries)
		}
	})
}

// FuzzMetadata decodes metadata.json: no panic, and what decodes encodes
// back to JSON that decodes the same. Seeds include a real file, deep
// nesting, huge and negative lengths.
func FuzzMetadata(f *testing.F) {
	f.Add(containerParts(f, sealInnerFast(f, innerZip(f, []zipEntry{{name: "a", body: []byte("a")}}), 64))["metadata.json"])
	f.Add([]byte(strings.Repeat("[", 20000) + strings.Repeat("]", 20000)))
	f.Add([]byte(`{"version":3,"sha512sum":"` + strings.Repeat("0", 128) + `","chunks":[{"sha512sum":{"encrypted":"` + strings.Repeat("a", 128) +
		`","plain":"` + strings.Repeat("b", 128) + `"},"length":{"encrypted":9223372036854775807,"plain":-1}}]}`))
	f.Add([]byte(`{"version":3,"chunks":null}`))
	f.Add([]byte(`{"version":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMetadata(b)
		if err != nil {
			if !errors.Is(err, ErrNotBackup) && !errors.Is(err, ErrUnsupportedVersion) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		enc, err := encodeMetadata(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := decodeMetadata(enc)
		if err != nil {
			t.Fatalf("re-encoded metadata does not decode: %v", err)
		}
		if len(m2.Chunks) != len(m.Chunks) || m2.SHA512 != m.SHA512 || m2.CakeVersion != m.CakeVersion {
			t.Fatalf("round trip changed the metadata")
		}
	})
}

// FuzzBareBlobReader compares the streaming reader of bare v2 blobs with
// the one-shot reader of chunks: the same verdict and the same plaintext
// for every input.
func FuzzBareBlobReader(f *testing.F) {
	x, _ := hex.DecodeString(vectorXBlob)
	legacy, _ := hex.DecodeString(vectorLegacy)
	sealed := sealBlobFast(f, []byte("some plaintext"))
	for _, s := range [][]byte{x, legacy, sealed, {2}, x[:minBlobLen], append([]byte{2}, make([]byte, 4096)...)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		want, wantErr := openInMemory(b, testKeys)
		a := &Archive{r: bytes.NewReader(b), size: int64(len(b))}
		var got []byte
		pf, gotErr := a.openBarePlain(t.Context(), testKeys)
		if gotErr == nil {
			got = make([]byte, pf.size)
			pf.ReadAt(got, 0)
			pf.Close()
		}
		if !sameKind(wantErr, gotErr) || !bytes.Equal(got, want) {
			t.Fatalf("streaming: %d bytes, %v; in memory: %d bytes, %v", len(got), gotErr, len(want), wantErr)
		}
	})
}
