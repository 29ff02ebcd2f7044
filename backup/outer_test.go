package backup

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestOuterEntriesCRC flips one byte inside each entry of the container
// (stored, so the byte is the entry's own) without fixing its CRC-32:
// CheckIntegrity and Verify report damage naming the entry, one line.
func TestOuterEntriesCRC(t *testing.T) {
	good := smallBackup(t)
	parts := containerParts(t, good)
	withJunk := rebuildContainer(t, zip.Store,
		zipEntry{name: "data.bin", body: parts["data.bin"]},
		zipEntry{name: "metadata.json", body: parts["metadata.json"]},
		zipEntry{name: "README.txt", body: parts["README.txt"]},
		zipEntry{name: "extra.txt", body: []byte("an entry no reader needs")})
	tests := []struct {
		entry, marker string
		b             []byte
	}{
		{"README.txt", "Do not modify", good},
		{"README.txt", "App version", good},
		{"metadata.json", `"cakeVersion"`, good},
		{"extra.txt", "no reader", withJunk},
	}
	for _, tt := range tests {
		t.Run(tt.entry+" "+tt.marker, func(t *testing.T) {
			b := bytes.Clone(tt.b)
			b[bytesIndex(b, []byte(tt.marker))] ^= 0x20
			a, err := openBytes(b)
			if err == nil {
				err = a.CheckIntegrity(t.Context())
			}
			checkOuterDamage(t, "CheckIntegrity", err, tt.entry)
			if a != nil {
				checkOuterDamage(t, "Verify", a.Verify(t.Context(), testPassword), tt.entry)
			}
		})
	}
	// The same container undamaged passes, extra entry and all.
	a, err := openBytes(withJunk)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIntegrity(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.verify(t.Context(), testKeys, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
}

func checkOuterDamage(t *testing.T, what string, err error, entry string) {
	t.Helper()
	if !errors.Is(err, ErrBadChecksum) || !strings.Contains(err.Error(), entry) || strings.Contains(err.Error(), "\n") {
		t.Errorf("%s: got %v, want one line naming %s and wrapping ErrBadChecksum", what, err, entry)
	}
}
