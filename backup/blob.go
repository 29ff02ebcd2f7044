package backup

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"fmt"
	"hash"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/cakebackup/cakebackup/internal/blake2b"
)

// The v2 blob, in FORMAT.md's words: version, PBKDF salt, AEAD nonce,
// Poly1305 tag, BLAKE2b-512 checksum, ciphertext; no length prefixes.
// This matches cake_backup's lib/backup.dart (PackageData.encode and
// _blake2b): the checksum covers one byte holding len(AAD), the AAD, the
// version byte, salt, nonce, tag and ciphertext, in that order.
const (
	blobVersion    = 2
	legacyVersion  = 1
	saltSize       = 16
	tagSize        = 16
	checksumSize   = 64
	keySize        = 32
	pbkdf2Rounds   = 120000
	blobAAD        = "Cake Wallet backup v2"
	xNonceSize     = chacha20poly1305.NonceSizeX // since October 2022
	legacyNonceLen = chacha20poly1305.NonceSize  // July to October 2022
)

// blobOverhead is the header length of a blob as we write it (XChaCha20).
const blobOverhead = 1 + saltSize + xNonceSize + tagSize + checksumSize

// minBlobLen is the shortest blob of either layout.
const minBlobLen = 1 + saltSize + legacyNonceLen + tagSize + checksumSize

// blob is a parsed v2 blob whose checksum validated. Its slices point into
// the bytes it was parsed from.
type blob struct {
	salt       []byte
	nonce      []byte // 24 bytes (XChaCha20) or 12 (2022 ChaCha20)
	tag        []byte
	ciphertext []byte
}

// deriveKey turns a passphrase into the AEAD key for one salt.
func deriveKey(password string, salt []byte) ([]byte, error) {
	key, err := pbkdf2.Key(sha512.New, password, salt, pbkdf2Rounds, keySize)
	if err != nil {
		return nil, fmt.Errorf("deriving key: %w", err)
	}
	return key, nil
}

// newSalt returns a random PBKDF salt.
func newSalt() ([]byte, error) {
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("reading random salt: %w", err)
	}
	return salt, nil
}

// blobChecksum computes the BLAKE2b-512 checksum of a blob whose header
// fields are given separately from its ciphertext.
func blobChecksum(sum []byte, header, ciphertext []byte) []byte {
	return blobChecksumWith(nil, sum, header, ciphertext)
}

// blobChecksumWith is blobChecksum taken through bh, which pairs it
// with another goroutine's checksum where its kernel runs (see
// chunkHashers); with a nil bh, or where the kernel does not run, it is
// taken here.
func blobChecksumWith(bh *blake2b.Hasher, sum []byte, header, ciphertext []byte) []byte {
	if bh == nil || !blake2b.Fast() {
		h := newBlobHash(header)
		h.Write(ciphertext)
		return h.Sum(sum)
	}
	var buf blobPrefixBuf
	s := bh.Sum512(blobPrefix(&buf, header), ciphertext)
	return append(sum, s[:]...)
}

// blobPrefixBuf holds the bytes a blob's checksum covers before the
// ciphertext, for blobPrefix.
type blobPrefixBuf [1 + len(blobAAD) + blobOverhead - checksumSize]byte

// blobPrefix returns in buf what a blob's checksum covers before the
// ciphertext: len(AAD), the AAD and the header fields.
func blobPrefix(buf *blobPrefixBuf, header []byte) []byte {
	return append(append(append(buf[:0], byte(len(blobAAD))), blobAAD...), header...)
}

// blobParts splits b at the header, checksum and ciphertext of the layout
// with nonceSize-byte nonces; ok is false when b is too short for it.
func blobParts(b []byte, nonceSize int) (hdr, stored, ciphertext []byte, ok bool) {
	hdrLen := 1 + saltSize + nonceSize + tagSize
	if len(b) < hdrLen+checksumSize {
		return nil, nil, nil, false
	}
	return b[:hdrLen], b[hdrLen : hdrLen+checksumSize], b[hdrLen+checksumSize:], true
}

// newBlob is the blob of header hdr, with nonceSize-byte nonces, and
// ciphertext, once its checksum validated.
func newBlob(hdr []byte, nonceSize int, ciphertext []byte) *blob {
	return &blob{
		salt:       hdr[1 : 1+saltSize],
		nonce:      hdr[1+saltSize : 1+saltSize+nonceSize],
		tag:        hdr[1+saltSize+nonceSize:],
		ciphertext: ciphertext,
	}
}

// newBlobHash starts a blob's BLAKE2b-512 checksum with everything before
// the ciphertext: len(AAD), the AAD and the header fields.
func newBlobHash(header []byte) hash.Hash {
	h, _ := blake2b.New512(nil) // cannot fail without a key
	h.Write([]byte{byte(len(blobAAD))})
	h.Write([]byte(blobAAD))
	h.Write(header)
	return h
}

// checkBlobVersion accepts a v2 blob's first byte.
func checkBlobVersion(v byte) error {
	switch v {
	case blobVersion:
		return nil
	case legacyVersion:
		return ErrLegacyV1
	}
	return fmt.Errorf("version byte %d: %w", v, ErrUnsupportedVersion)
}

// sealBlobInPlace seals the plaintext held in buf[blobOverhead:blobOverhead+n]
// and returns the whole blob buf[:blobOverhead+n]. buf must have room for
// blobOverhead+n+tagSize bytes because the AEAD appends its tag before we
// move it into the header. nonce must be fresh and random.
func sealBlobInPlace(buf []byte, n int, key, salt, nonce []byte) ([]byte, error) {
	return sealBlobInPlaceWith(nil, buf, n, key, salt, nonce)
}

// sealBlobInPlaceWith is sealBlobInPlace with the checksum taken through
// bh (see blobChecksumWith).
func sealBlobInPlaceWith(bh *blake2b.Hasher, buf []byte, n int, key, salt, nonce []byte) ([]byte, error) {
	if cap(buf) < blobOverhead+n+tagSize {
		return nil, fmt.Errorf("internal error: seal buffer too small")
	}
	buf = buf[:cap(buf)]
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("creating cipher: %w", err)
	}
	plain := buf[blobOverhead : blobOverhead+n]
	sealed := aead.Seal(plain[:0], nonce, plain, []byte(blobAAD))
	hdr := buf[:1+saltSize+xNonceSize+tagSize]
	hdr[0] = blobVersion
	copy(hdr[1:], salt)
	copy(hdr[1+saltSize:], nonce)
	copy(hdr[1+saltSize+xNonceSize:], sealed[n:])
	ciphertext := buf[blobOverhead : blobOverhead+n]
	blobChecksumWith(bh, buf[len(hdr):len(hdr)], hdr, ciphertext)
	return buf[:blobOverhead+n], nil
}

// sealBlob seals plaintext into a new v2 blob with a random salt and nonce,
// as cake_backup's encrypt does.
func sealBlob(password string, plaintext []byte) ([]byte, error) {
	salt, err := newSalt()
	if err != nil {
		return nil, err
	}
	key, err := deriveKey(password, salt)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, xNonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("reading random nonce: %w", err)
	}
	buf := make([]byte, blobOverhead+len(plaintext), blobOverhead+len(plaintext)+tagSize)
	copy(buf[blobOverhead:], plaintext)
	return sealBlobInPlace(buf, len(plaintext), key, salt, nonce)
}

// parseBlob checks a blob's version, length and checksum, in that order,
// without a passphrase. It accepts both the XChaCha20 layout and the 2022
// ChaCha20 one, telling them apart by which checksum validates.
func parseBlob(b []byte) (*blob, error) { return parseBlobWith(nil, b) }

// parseBlobWith is parseBlob with the checksums taken through bh (see
// blobChecksumWith).
func parseBlobWith(bh *blake2b.Hasher, b []byte) (*blob, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("empty data: %w", ErrBadLength)
	}
	if err := checkBlobVersion(b[0]); err != nil {
		return nil, err
	}
	if len(b) < minBlobLen {
		return nil, fmt.Errorf("%d bytes is shorter than the %d-byte header: %w", len(b), minBlobLen, ErrBadLength)
	}
	var sum [checksumSize]byte
	for _, nonceSize := range []int{xNonceSize, legacyNonceLen} {
		hdr, stored, ciphertext, ok := blobParts(b, nonceSize)
		if ok && bytes.Equal(blobChecksumWith(bh, sum[:0], hdr, ciphertext), stored) {
			return newBlob(hdr, nonceSize, ciphertext), nil
		}
	}
	return nil, ErrBlobChecksum
}

// open authenticates and decrypts the blob with key, in place: the
// ciphertext is destroyed. When the bytes the blob was parsed from have
// tagSize bytes of spare capacity, no copy is made.
func (bl *blob) open(key []byte) ([]byte, error) {
	aeadNew := chacha20poly1305.NewX
	if len(bl.nonce) == legacyNonceLen {
		aeadNew = chacha20poly1305.New
	}
	aead, err := aeadNew(key)
	if err != nil {
		return nil, fmt.Errorf("creating cipher: %w", err)
	}
	// The AEAD wants ciphertext||tag while the blob stores the tag first.
	sealed := append(bl.ciphertext, bl.tag...)
	plain, err := aead.Open(sealed[:0], bl.nonce, sealed, []byte(blobAAD))
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}
