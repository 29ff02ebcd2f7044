package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/hex"
	"testing"
)

// exercise runs Open, CheckIntegrity and Verify on b. It must never panic;
// errors are expected. keys is shared between inputs so that mutants of
// a valid seed, which keep its salt, do not each pay for PBKDF2. (List, Decrypt and Restore share Verify's reading
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
	sealed, err := sealBlob(testPassword, innerZip(f, []zipEntry{{name: "wallets/a/b/c", body: []byte("c")}}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(x)
	f.Add(legacy)
	f.Add(sealed)
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2})
	f.Add(append([]byte{1}, x[1:]...))
	f.Add(x[:minBlobLen])
	keys := newKeyCache(testPassword)
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parseBlob(b); err == nil && len(b) < minBlobLen {
			t.Fatalf("parsed a %d-byte blob", len(b))
		}
		exercise(t, keys, b)
	})
}

func FuzzOpenContainer(f *testing.F) {
	inner := innerZip(f, []zipEntry{{name: "wallets/monero/a/a", body: bytes.Repeat([]byte("a"), 300)}, {name: "~_preferences_dump", body: []byte("{}")}})
	good := sealInner(f, inner, 128)
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
	keys := newKeyCache(testPassword)
	f.Fuzz(func(t *testing.T, b []byte) {
		exercise(t, keys, b)
	})
}
