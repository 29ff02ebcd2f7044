package backup

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"golang.org/x/crypto/chacha20"
	//lint:ignore SA1019 the AEAD is assembled from its parts to stream a blob of any size, as chacha20poly1305 assembles it
	"golang.org/x/crypto/poly1305"
)

// A bare v2 blob (a backup made before the v3 container) is one blob of
// any size. It is read without holding it in memory: the BLAKE2b checksum
// is computed over the file for both nonce layouts in one pass, then
// ChaCha20-Poly1305 (or XChaCha20-Poly1305) is computed from its parts,
// the keystream and the Poly1305 MAC, over the ciphertext in pieces. The
// plaintext goes to an unlinked temporary file that is handed out only
// after the tag checks, as the one-shot AEAD would.

// bareBufSize is how much of a bare blob is read at a time; a smaller
// blob gets a buffer of its own size (an app export is often a few KiB,
// and a check allocated and cleared 1 MiB twice for it).
const bareBufSize = 1 << 20

// blobStream locates the fields of a bare blob whose checksum validated.
type blobStream struct {
	salt, nonce, tag []byte
	ctOff, ctLen     int64
}

// scanBareBlob checks a bare blob's version, length and BLAKE2b checksum,
// in that order, as parseBlob does for a blob in memory.
func scanBareBlob(ctx context.Context, r io.ReaderAt, size int64) (*blobStream, error) {
	if size <= 0 {
		return nil, fmt.Errorf("empty data: %w", ErrBadLength)
	}
	head := make([]byte, min(size, blobOverhead))
	if _, err := r.ReadAt(head, 0); err != nil && !(err == io.EOF && len(head) > 0) {
		return nil, err // a *ReadError
	}
	if err := checkBlobVersion(head[0]); err != nil {
		return nil, err
	}
	if size < minBlobLen {
		return nil, fmt.Errorf("%d bytes is shorter than the %d-byte header: %w", size, minBlobLen, ErrBadLength)
	}
	// One candidate per nonce layout, tried in parseBlob's order; the two
	// checksums are computed at once, each reading the file itself.
	type candidate struct {
		nonceSize int
		hdrLen    int64
		sum       []byte
		err       error
	}
	var cands []*candidate
	var wg sync.WaitGroup
	for _, nonceSize := range []int{xNonceSize, legacyNonceLen} {
		hdrLen := int64(1 + saltSize + nonceSize + tagSize)
		if size < hdrLen+checksumSize {
			continue
		}
		c := &candidate{nonceSize: nonceSize, hdrLen: hdrLen}
		cands = append(cands, c)
		wg.Go(func() { c.sum, c.err = blobChecksumAt(ctx, r, head[:hdrLen], hdrLen+checksumSize, size) })
	}
	wg.Wait()
	for _, c := range cands {
		if c.err != nil {
			return nil, c.err
		}
		if bytes.Equal(c.sum, head[c.hdrLen:c.hdrLen+checksumSize]) {
			return &blobStream{
				salt:  bytes.Clone(head[1 : 1+saltSize]),
				nonce: bytes.Clone(head[1+saltSize : 1+saltSize+c.nonceSize]),
				tag:   bytes.Clone(head[1+saltSize+c.nonceSize : c.hdrLen]),
				ctOff: c.hdrLen + checksumSize,
				ctLen: size - c.hdrLen - checksumSize,
			}, nil
		}
	}
	return nil, ErrBlobChecksum
}

// blobChecksumAt computes blobChecksum for the header hdr and the
// ciphertext r holds from off to size, reading it in pieces.
func blobChecksumAt(ctx context.Context, r io.ReaderAt, hdr []byte, off, size int64) ([]byte, error) {
	h := newBlobHash(hdr)
	buf := make([]byte, min(bareBufSize, max(size-off, 0)))
	for off < size {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := int(min(int64(len(buf)), size-off))
		if _, err := r.ReadAt(buf[:n], off); err != nil && !(err == io.EOF && n > 0) {
			return nil, err // a *ReadError
		}
		h.Write(buf[:n])
		off += int64(n)
	}
	return h.Sum(nil), nil
}

// decrypt authenticates the ciphertext with key and writes the plaintext
// to w as it goes; w must be discarded unless decrypt returns nil. This is
// RFC 8439's AEAD (with HChaCha20 first for a 24-byte nonce, as
// chacha20.NewUnauthenticatedCipher does), the same computation
// chacha20poly1305's Open makes, in pieces.
func (bs *blobStream) decrypt(ctx context.Context, r io.ReaderAt, key []byte, w io.Writer) error {
	s, err := chacha20.NewUnauthenticatedCipher(key, bs.nonce)
	if err != nil {
		return fmt.Errorf("creating cipher: %w", err)
	}
	var polyKey [32]byte
	s.XORKeyStream(polyKey[:], polyKey[:])
	s.SetCounter(1)
	mac := poly1305.New(&polyKey)
	writePadded(mac, []byte(blobAAD))
	buf := make([]byte, min(bareBufSize, bs.ctLen))
	for off := int64(0); off < bs.ctLen; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := int(min(int64(len(buf)), bs.ctLen-off))
		if _, err := r.ReadAt(buf[:n], bs.ctOff+off); err != nil && !(err == io.EOF && n > 0) {
			return err // a *ReadError
		}
		mac.Write(buf[:n])
		s.XORKeyStream(buf[:n], buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			return fmt.Errorf("writing decrypted data to a temporary file: %w", err)
		}
		off += int64(n)
	}
	if pad := bs.ctLen % 16; pad != 0 {
		mac.Write(make([]byte, 16-pad))
	}
	var lens [16]byte
	binary.LittleEndian.PutUint64(lens[:8], uint64(len(blobAAD)))
	binary.LittleEndian.PutUint64(lens[8:], uint64(bs.ctLen))
	mac.Write(lens[:])
	if !mac.Verify(bs.tag) {
		return ErrDecrypt
	}
	return nil
}

func writePadded(w io.Writer, b []byte) {
	w.Write(b)
	if pad := len(b) % 16; pad != 0 {
		w.Write(make([]byte, 16-pad))
	}
}

// plainFile is a temporary file holding authenticated plaintext. On
// systems that allow it the file is unlinked as soon as it is created, so
// a crash leaves nothing behind.
type plainFile struct {
	*os.File
	size   int64
	remove string // the name to remove on Close, where unlinking an open file fails
}

// Close closes and removes the file.
func (p *plainFile) Close() error {
	err := p.File.Close()
	if p.remove != "" {
		os.Remove(p.remove)
	}
	return err
}

// openBarePlain checks and decrypts a bare blob into a temporary file
// (0600) and returns it once the tag checked.
func (a *Archive) openBarePlain(ctx context.Context, keys *keyCache) (*plainFile, error) {
	bs, err := scanBareBlob(ctx, a.r, a.size)
	if err != nil {
		return nil, err
	}
	key, err := keys.key(bs.salt)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", ".cakebackup-plain-*")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary file: %w", err)
	}
	pf := &plainFile{File: f, size: bs.ctLen}
	if runtime.GOOS == "windows" || os.Remove(f.Name()) != nil {
		pf.remove = f.Name()
	}
	if err := bs.decrypt(ctx, a.r, key, f); err != nil {
		pf.Close()
		if errors.Is(err, ErrDecrypt) {
			return nil, ErrDecrypt
		}
		return nil, err
	}
	return pf, nil
}
