package backup

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/cakebackup/cakebackup/internal/blake2b"
	"github.com/cakebackup/cakebackup/internal/sha512pair"
)

// hashPiece is the most one call into a hash is given at a time. SHA-512
// runs in assembly, which Go cannot preempt: a garbage collection that
// must stop the world would otherwise wait, with every other core idle,
// for a whole chunk (tens of milliseconds) to be hashed.
const hashPiece = 1 << 20

// writePieces writes b to h hashPiece bytes at a time.
func writePieces(h hash.Hash, b []byte) {
	for len(b) > 0 {
		n := min(len(b), hashPiece)
		h.Write(b[:n])
		b = b[n:]
	}
}

// sha512Equal reports whether the SHA-512 of b is sum.
func sha512Equal(b, sum []byte) bool { return bytes.Equal(sha512Sum(nil, b), sum) }

// sha512Sum returns the SHA-512 of b, taken through hs when there is one
// and it hashes two buffers at once (see chunkStream), else here a piece
// at a time, so that a garbage collection need not wait for a whole
// chunk.
func sha512Sum(hs *sha512pair.Hasher, b []byte) []byte {
	if hs != nil && sha512pair.Fast() {
		sum := hs.Sum512(b)
		return sum[:]
	}
	h := sha512.New()
	writePieces(h, b)
	return h.Sum(nil)
}

// chunkHashers take the chunks' checksums for the goroutines that open
// or seal them: their SHA-512s and their BLAKE2b-512s, each two chunks
// at a time where its kernel runs. With more than one worker on the
// chunks, a chunk's checksum is most often taken while another's is.
type chunkHashers struct {
	sha *sha512pair.Hasher
	b2  *blake2b.Hasher
}

func newChunkHashers() *chunkHashers {
	return &chunkHashers{sha: sha512pair.NewHasher(), b2: blake2b.NewHasher()}
}

// close stops the Hashers' workers.
func (h *chunkHashers) close() {
	h.sha.Close()
	h.b2.Close()
}

// hashers returns h's two Hashers, nil for a nil h.
func (h *chunkHashers) hashers() (*sha512pair.Hasher, *blake2b.Hasher) {
	if h == nil {
		return nil, nil
	}
	return h.sha, h.b2
}

// sumEqual reports whether h's sum is sum.
func sumEqual(h hash.Hash, sum []byte) bool {
	var got [sha512.Size]byte
	return bytes.Equal(h.Sum(got[:0]), sum)
}

// errPlainSum is the failure of a chunk whose plaintext's SHA-512 is not
// the one metadata.json gives.
var errPlainSum = fmt.Errorf("SHA-512 of the decrypted data does not match metadata.json: %w", ErrBadChecksum)

// chunkErr attributes err to chunk i of a container; a bare v2 blob has no
// chunks to name.
func (a *Archive) chunkErr(i int, err error) error {
	if a.data == nil {
		return err
	}
	return &ChunkError{Index: i, Err: err}
}

// openChunk checks the encrypted bytes of chunk i against metadata.json and
// the blob's own checksum, and, when keys is not nil, decrypts it (in
// place: buf needs tagSize bytes of spare capacity to avoid a copy) and,
// unless the caller does it (plainLater), checks the plaintext's SHA-512.
// The encrypted bytes' SHA-512 and the blob's checksum are taken through
// hs, which may be nil. When fill is not nil, buf is still being filled
// (see checkEncrypted); a failure to fill it is returned as fill has it.
// It returns the plaintext, or nil when only checking.
func (a *Archive) openChunk(i int, buf []byte, keys *keyCache, hs *chunkHashers, plainLater bool, fill *chunkFill) ([]byte, error) {
	c := a.chunks[i]
	sha, b2 := hs.hashers()
	if int64(len(buf)) != c.encLen {
		return nil, a.chunkErr(i, fmt.Errorf("got %d of %d bytes: %w", len(buf), c.encLen, ErrBadLength))
	}
	bl, err := checkEncrypted(buf, c.encSum, sha, b2, fill)
	if ferr := fill.failure(); ferr != nil {
		return nil, ferr // the reader's error, which names the chunk
	}
	if err != nil {
		return nil, a.chunkErr(i, err)
	}
	if c.plainLen >= 0 && int64(len(bl.ciphertext)) != c.plainLen {
		return nil, a.chunkErr(i, fmt.Errorf("blob layout does not match the lengths in metadata.json: %w", ErrNotBackup))
	}
	if keys == nil {
		return nil, nil
	}
	key, err := keys.key(bl.salt)
	if err != nil {
		return nil, err
	}
	plain, err := bl.open(key)
	if err != nil {
		return nil, a.chunkErr(i, err)
	}
	if c.plainSum != nil && !plainLater && !sha512Equal(plain, c.plainSum) {
		return nil, a.chunkErr(i, errPlainSum)
	}
	return plain, nil
}

// errEncSum is the failure of a chunk whose encrypted bytes' SHA-512 is
// not the one metadata.json gives.
var errEncSum = fmt.Errorf("SHA-512 of the encrypted data does not match metadata.json: %w", ErrBadChecksum)

// checkEncrypted checks a chunk's encrypted bytes buf against encSum, their
// SHA-512 from metadata.json when it gives one, and parses the blob they
// hold (parseBlob), reporting the SHA-512's failure before the blob's.
//
// Where blake2b's fused kernel runs (FusedFast), both checksums of a
// blob in the XChaCha20 layout are taken in one pass; the blob parses
// then without hashing again, unless its checksum does not match, when
// parseBlob tries the 2022 layout and reports the failure. That pass
// goes through buf as it is filled when fill is not nil (a chunk checked
// while it is read): the check then ends soon after the chunk's last
// byte arrives, not a whole chunk's hashing later. Elsewhere, once buf
// is filled, the checksums are taken through the Hashers sha and b2
// (either may be nil) at once, on two goroutines: the other workers may
// have no chunk left (the last chunks, the inner directory's chunk read
// first), and a core would idle. A failure to fill buf is returned as
// fill's error.
func checkEncrypted(buf, encSum []byte, sha *sha512pair.Hasher, b2 *blake2b.Hasher, fill *chunkFill) (*blob, error) {
	const hdrLen = blobOverhead - checksumSize // of the XChaCha20 layout
	if _, err := fill.wait(min(len(buf), hdrLen)); err != nil {
		return nil, err
	}
	if hdr, stored, ciphertext, ok := blobParts(buf, xNonceSize); ok && encSum != nil && blake2b.FusedFast() {
		var pbuf blobPrefixBuf
		sums := blake2b.NewFusedSums(buf, blobPrefix(&pbuf, hdr), ciphertext)
		skip := len(buf) - len(ciphertext)
		for have := hdrLen; have < len(buf); {
			var err error
			if have, err = fill.wait(min(len(buf), have+fillStep)); err != nil {
				return nil, err
			}
			sums.Advance(have, max(have-skip, 0))
		}
		encGot, sum := sums.Sums()
		if !bytes.Equal(encGot[:], encSum) {
			return nil, errEncSum
		}
		if checkBlobVersion(buf[0]) == nil && bytes.Equal(sum[:], stored) {
			return newBlob(hdr, xNonceSize, ciphertext), nil
		}
		return parseBlobWith(b2, buf)
	}
	if _, err := fill.wait(len(buf)); err != nil {
		return nil, err
	}
	encOK := make(chan bool, 1)
	if encSum != nil {
		go func() { encOK <- bytes.Equal(sha512Sum(sha, buf), encSum) }()
	} else {
		encOK <- true
	}
	bl, err := parseBlobWith(b2, buf)
	if !<-encOK {
		return nil, errEncSum
	}
	return bl, err
}

// fillStep is the least checkEncrypted waits to have arrived before it
// hashes on: a few of the reader's pieces, so that it is not woken for
// each one.
const fillStep = 1 << 20

// streamChunks passes every chunk, opened by a chunkStream, to sink in
// order (plain is nil when keys is nil) and returns the stream, drained,
// for its sum. The caller must close it.
func (a *Archive) streamChunks(ctx context.Context, keys *keyCache, sink func(i int, plain []byte) error) (*chunkStream, error) {
	s := a.newChunkStream(ctx, keys)
	opened := 0 // chunks decrypted so far
	for {
		j, err := s.next()
		if err != nil {
			return s, classifyChunkErr(err, opened)
		}
		if j == nil {
			return s, nil
		}
		if keys != nil {
			opened++
		}
		if err := sink(j.index, j.out); err != nil {
			return s, err
		}
	}
}

// classifyChunkErr names what an authentication failure most likely
// means, given how many chunks decrypted before it with the same
// password.
func classifyChunkErr(err error, opened int) error {
	if opened > 0 {
		return tamperedChunk(err)
	}
	return wrongPassword(err)
}

// tamperedChunk reclassifies a chunk that fails authentication after
// others decrypted with the same password: the password is right, so the
// chunk was altered (with its checksums recomputed to match).
func tamperedChunk(err error) error {
	var ce *ChunkError
	if errors.As(err, &ce) && errors.Is(ce.Err, ErrDecrypt) {
		return &ChunkError{Index: ce.Index, Err: fmt.Errorf(
			"fails authentication although other chunks decrypt with this password, so it was altered: %w", ErrBadChecksum)}
	}
	return err
}

// wrongPassword drops the chunk from an authentication failure that comes
// before any chunk decrypted: that is most likely a wrong password, and
// naming a chunk would suggest damage.
func wrongPassword(err error) error {
	var ce *ChunkError
	if errors.As(err, &ce) && errors.Is(ce.Err, ErrDecrypt) {
		return ErrDecrypt
	}
	return err
}

// dataReadErr classifies a failure to read data.bin: a failed read of the
// medium is that (a *ReadError), running short means a bad length, a ZIP
// checksum failure means damage.
func dataReadErr(err error) error {
	switch {
	case isReadError(err):
		return fmt.Errorf("reading data.bin: %w", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("data ends early: %w", ErrBadLength)
	case errors.Is(err, ErrNotBackup), errors.Is(err, ErrBadLength), errors.Is(err, ErrBadChecksum):
		return err
	default:
		return fmt.Errorf("reading data.bin: %w: %w", ErrBadChecksum, err)
	}
}

// CheckIntegrity checks, without the password, the container (every
// entry's CRC-32), its metadata and each chunk's encrypted SHA-512 and
// BLAKE2b checksum.
func (a *Archive) CheckIntegrity(ctx context.Context) error {
	if a.data == nil {
		_, err := scanBareBlob(ctx, a.r, a.size)
		return err
	}
	if err := a.checkOuter(ctx, false); err != nil {
		return err
	}
	s, err := a.streamChunks(ctx, nil, func(int, []byte) error { return nil })
	s.close()
	return err
}

// Decrypt streams the inner archive to w, checking every chunk as it goes
// and, at the end, the SHA-512 of the whole. A chunk reaches w only after
// it was authenticated.
func (a *Archive) Decrypt(ctx context.Context, password string, w io.Writer) error {
	if a.data == nil {
		bare, err := a.openBarePlain(ctx, a.keysFor(password))
		if err != nil {
			return err
		}
		defer bare.Close()
		if _, err := io.Copy(w, io.NewSectionReader(bare, 0, bare.size)); err != nil {
			return fmt.Errorf("writing decrypted data: %w", err)
		}
		return nil
	}
	s, err := a.streamChunks(ctx, a.keysFor(password), func(_ int, plain []byte) error {
		if _, err := w.Write(plain); err != nil {
			return fmt.Errorf("writing decrypted data: %w", err)
		}
		return nil
	})
	defer s.close()
	if err != nil {
		return err
	}
	return a.checkWhole(s.sum())
}

// checkWhole compares the SHA-512 of the whole inner archive with
// metadata.json (a bare v2 blob has none to compare).
func (a *Archive) checkWhole(sum []byte) error {
	if a.data == nil {
		return nil
	}
	want, _ := hex.DecodeString(a.info.SHA512) // validated by decodeMetadata
	if !bytes.Equal(sum, want) {
		return fmt.Errorf("SHA-512 of the decrypted archive does not match metadata.json: %w", ErrBadChecksum)
	}
	return nil
}
