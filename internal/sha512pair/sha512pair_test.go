package sha512pair

import (
	"bytes"
	"crypto/sha512"
	"testing"
)

// TestWriteAsTwoWrites checks Write against two separate writes, with the
// second hash ahead of the first by a whole number of blocks, as a chunk's
// hash and the whole archive's hash are.
func TestWriteAsTwoWrites(t *testing.T) {
	msg := bytes.Repeat([]byte("cakebackup"), 1000)
	a, b := sha512.New(), sha512.New()
	b.Write(msg[:256])
	wantA, wantB := sha512.New(), sha512.New()
	wantB.Write(msg[:256])
	Write(a, b, msg)
	wantA.Write(msg)
	wantB.Write(msg)
	if !bytes.Equal(a.Sum(nil), wantA.Sum(nil)) || !bytes.Equal(b.Sum(nil), wantB.Sum(nil)) {
		t.Fatal("Write's sums differ from two writes'")
	}
}
