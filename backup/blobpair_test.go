package backup

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	xblake2b "golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/cakebackup/cakebackup/internal/blake2b"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// xBlobChecksum is a blob's checksum by x/crypto's BLAKE2b, over the
// bytes FORMAT.md lists, independently of blobChecksum.
func xBlobChecksum(hdr, ciphertext []byte) []byte {
	h, _ := xblake2b.New512(nil)
	h.Write([]byte{byte(len(blobAAD))})
	h.Write([]byte(blobAAD))
	h.Write(hdr)
	h.Write(ciphertext)
	return h.Sum(nil)
}

// bigLegacyBlob seals plain in the 2022 ChaCha20 layout (12-byte nonce).
func bigLegacyBlob(t *testing.T, key, plain []byte) []byte {
	t.Helper()
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		t.Fatal(err)
	}
	nonce := seqBytes(200, legacyNonceLen)
	sealed := aead.Seal(nil, nonce, plain, []byte(blobAAD))
	hdr := append(append(append([]byte{blobVersion}, testSalt...), nonce...), sealed[len(plain):]...)
	ct := sealed[:len(plain)]
	return append(append(hdr, xBlobChecksum(hdr, ct)...), ct...)
}

// TestBlobChecksumHasher seals and parses blobs large enough for the
// BLAKE2b Hasher's workers, two goroutines at once so that they are
// hashed in pairs where the kernel runs: the blobs and checksums must be
// those of x/crypto's BLAKE2b, both layouts must be told apart as
// parseBlob does, and every failure must be parseBlob's.
func TestBlobChecksumHasher(t *testing.T) {
	t.Parallel()
	bh := blake2b.NewHasher()
	defer bh.Close()
	key, err := testKeys.key(testSalt)
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{1 << 20, 3<<20 + 77}
	plains := [][]byte{wallettest.RandomBytes(t, sizes[0]), wallettest.RandomBytes(t, sizes[1])}
	nonce := seqBytes(100, xNonceSize)
	seal := func(bh *blake2b.Hasher, plain []byte) []byte {
		buf := make([]byte, blobOverhead+len(plain), blobOverhead+len(plain)+tagSize)
		copy(buf[blobOverhead:], plain)
		b, err := sealBlobInPlaceWith(bh, buf, len(plain), key, testSalt, nonce)
		if err != nil {
			t.Error(err)
		}
		return b
	}
	var blobs [2][]byte
	var wg sync.WaitGroup
	for i := range blobs {
		wg.Go(func() { blobs[i] = seal(bh, plains[i]) })
	}
	wg.Wait()
	const hdrLen = blobOverhead - checksumSize
	for i, b := range blobs {
		if want := xBlobChecksum(b[:hdrLen], b[blobOverhead:]); !bytes.Equal(b[hdrLen:blobOverhead], want) {
			t.Errorf("blob of %d bytes: checksum is not x/crypto's", sizes[i])
		}
		if !bytes.Equal(b, seal(nil, plains[i])) {
			t.Errorf("blob of %d bytes differs from one sealed without the Hasher", sizes[i])
		}
	}

	legacy := bigLegacyBlob(t, key, plains[1])
	cases := map[string][]byte{"xchacha20": blobs[0], "2022 chacha20": legacy}
	for _, base := range [][]byte{blobs[1], legacy} {
		tampered := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(base)) }
		l := fmt.Sprint(len(base))
		cases["ciphertext flipped "+l] = tampered(func(b []byte) []byte { b[len(b)-5] ^= 1; return b })
		cases["checksum flipped "+l] = tampered(func(b []byte) []byte { b[hdrLen+3] ^= 1; return b })
		cases["cut "+l] = tampered(func(b []byte) []byte { return b[:len(b)-1] })
		cases["version 1 "+l] = tampered(func(b []byte) []byte { b[0] = legacyVersion; return b })
		cases["tag flipped, checksum recomputed "+l] = tampered(func(b []byte) []byte {
			b[hdrLen-1] ^= 1
			copy(b[hdrLen:], xBlobChecksum(b[:hdrLen], b[blobOverhead:]))
			return b
		})
	}
	type result struct {
		nonce, ct int
		err       error
	}
	parse := func(bh *blake2b.Hasher, b []byte) result {
		bl, err := parseBlobWith(bh, bytes.Clone(b)) // open decrypts in place

		if err != nil {
			return result{err: err}
		}
		if _, err := bl.open(key); err != nil {
			return result{err: err}
		}
		return result{nonce: len(bl.nonce), ct: len(bl.ciphertext)}
	}
	for name, b := range cases {
		var got [2]result
		wg.Go(func() { got[0] = parse(bh, b) })
		wg.Go(func() { got[1] = parse(bh, blobs[1]) })
		wg.Wait()
		want := parse(nil, b)
		if got[0].nonce != want.nonce || got[0].ct != want.ct || fmt.Sprint(got[0].err) != fmt.Sprint(want.err) {
			t.Errorf("%s: through the Hasher %+v, without %+v", name, got[0], want)
		}
		if got[1].err != nil {
			t.Errorf("%s: the blob parsed beside it failed: %v", name, got[1].err)
		}
	}
	// The control: the cases parseBlob tells apart.
	for name, want := range map[string]any{
		"xchacha20": xNonceSize, "2022 chacha20": legacyNonceLen,
		"ciphertext flipped " + fmt.Sprint(len(legacy)):               ErrBadChecksum,
		"version 1 " + fmt.Sprint(len(legacy)):                        ErrLegacyV1,
		"tag flipped, checksum recomputed " + fmt.Sprint(len(legacy)): ErrDecrypt,
	} {
		r := parse(bh, cases[name])
		switch w := want.(type) {
		case int:
			if r.err != nil || r.nonce != w {
				t.Errorf("%s: nonce of %d bytes (%v), want %d", name, r.nonce, r.err, w)
			}
		case error:
			if !errors.Is(r.err, w) {
				t.Errorf("%s: %v, want %v", name, r.err, w)
			}
		}
	}
}
