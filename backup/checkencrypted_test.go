package backup

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestCheckEncrypted checks a chunk's encrypted bytes as openChunk does,
// through blake2b's fused kernel where it runs: good blobs of both
// layouts parse as parseBlob parses them, and every failure is the one
// the SHA-512 then parseBlob give, the SHA-512's first.
func TestCheckEncrypted(t *testing.T) {
	t.Parallel()
	key, err := testKeys.key(testSalt)
	if err != nil {
		t.Fatal(err)
	}
	xblob := sealBlobFast(t, wallettest.RandomBytes(t, 1<<20+3))
	legacy := bigLegacyBlob(t, key, wallettest.RandomBytes(t, 300000))
	mutate := func(b []byte, i int, x byte) []byte {
		b = bytes.Clone(b)
		b[i] ^= x
		return b
	}
	const hdrLen = blobOverhead - checksumSize
	cases := []struct {
		name     string
		b        []byte
		wrongSum bool
		want     error // nil: parses, with the nonce size nonce
		nonce    int
	}{
		{"xchacha", xblob, false, nil, xNonceSize},
		{"2022 layout", legacy, false, nil, legacyNonceLen},
		{"short 2022 layout", legacy[:minBlobLen], false, ErrBadChecksum, 0},
		{"ciphertext flipped", mutate(xblob, len(xblob)-1, 1), false, ErrBadChecksum, 0},
		{"checksum flipped", mutate(xblob, hdrLen, 0x80), false, ErrBadChecksum, 0},
		{"version 3", mutate(xblob, 0, 1), false, ErrUnsupportedVersion, 0},
		{"version 1", mutate(xblob, 0, 3), false, ErrLegacyV1, 0},
		{"wrong SHA-512", xblob, true, ErrBadChecksum, 0},
		{"wrong SHA-512 and version", mutate(xblob, 0, 1), true, ErrBadChecksum, 0},
		{"wrong SHA-512, 2022 layout", legacy, true, ErrBadChecksum, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sum := sha512.Sum512(c.b)
			if c.wrongSum {
				sum[5] ^= 1
			}
			bl, err := checkEncrypted(c.b, sum[:], nil, nil, nil)
			if c.wrongSum {
				if err != errEncSum {
					t.Fatalf("got %v, want %v", err, errEncSum)
				}
				return
			}
			_, perr := parseBlob(c.b)
			if c.want != nil {
				if !errors.Is(err, c.want) || err.Error() != perr.Error() {
					t.Fatalf("got %v, want parseBlob's %v (%v)", err, perr, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			hdr := 1 + saltSize + c.nonce + tagSize
			if len(bl.nonce) != c.nonce || !bytes.Equal(bl.nonce, c.b[1+saltSize:1+saltSize+c.nonce]) ||
				!bytes.Equal(bl.salt, testSalt) || !bytes.Equal(bl.tag, c.b[hdr-tagSize:hdr]) ||
				&bl.ciphertext[0] != &c.b[hdr+checksumSize] || len(bl.ciphertext) != len(c.b)-hdr-checksumSize {
				t.Fatalf("blob parsed wrong: nonce %d bytes", len(bl.nonce))
			}
			if _, err := bl.open(key); err != nil {
				t.Fatal(err)
			}
		})
	}
}
