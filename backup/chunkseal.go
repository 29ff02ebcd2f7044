package backup

import (
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/cakebackup/cakebackup/internal/sha512pair"
)

// defaultChunkSize is the plaintext length of every chunk but the last, as in the
// app (BackupServiceV3.chunkSize, 24 MiB).
const defaultChunkSize = 24 << 20

// chunkSealer is an io.WriteCloser that cuts the inner archive into chunks,
// seals each as a v2 blob on several goroutines and writes the blobs to
// out in order. All chunks share one salt, so the key is derived once.
// It also hashes the whole plaintext. Not safe for concurrent use.
type chunkSealer struct {
	pool *orderedPool
	hs   *chunkHashers // the workers' SHA-512s and BLAKE2b-512s, two at a time
	out  io.Writer
	keys *keyCache // gives the key for salt, deriving it once
	salt []byte
	size int // plaintext bytes per chunk

	cur     *chunkJob
	whole   hash.Hash
	pair    bool      // Write takes each chunk's SHA-512 with whole's
	curSum  hash.Hash // cur's plaintext SHA-512, with pair
	hashed  int       // bytes of cur's plaintext in whole (and curSum)
	plain   int64
	written int64
	records []chunkRecord
	closed  bool

	// With outSum, each blob's SHA-512 is taken by outSum as the blob
	// goes out, the blob's bytes being those at dataStart+written in it,
	// along with the output's (see outputSum); outChunks are the sums,
	// one per record, complete once the output is flushed (fillSums).
	outSum    *outputSum
	dataStart int64
	outChunks []*outputChunk
}

// newChunkSealer starts the sealing goroutines; Close or Abort must be
// called. Memory in flight is bounded by workers+2 chunk buffers.
//
// The plaintext goes into two SHA-512s: its chunk's and the whole inner
// archive's, taken in order by Write. With pair, Write takes both at once
// (sha512pair); else the workers take the chunk's. pair needs size to be
// whole SHA-512 blocks, so that the whole archive's hash starts every
// chunk on a block boundary; pairPlain tells where it is worth it.
func newChunkSealer(ctx context.Context, out io.Writer, keys *keyCache, salt []byte, size, workers int, pair bool) *chunkSealer {
	s := &chunkSealer{out: out, hs: newChunkHashers(), keys: keys, salt: salt, size: size, whole: sha512.New(), pair: pair}
	s.pool = newOrderedPool(ctx, workers, workers+2, s.seal, s.emit, false)
	return s
}

// pairPlain reports whether a chunk sealer cutting chunks of size bytes
// should take each chunk's SHA-512 along with the whole archive's: where
// sha512pair hashes both in about the time of one, and size is whole
// SHA-512 blocks (the app's 24 MiB is).
func pairPlain(size int64) bool {
	return sha512pair.Fast() && size%sha512.BlockSize == 0
}

// seal runs on a worker: it hashes the plaintext, unless Write did,
// seals it in place and hashes the blob.
func (s *chunkSealer) seal(j *chunkJob) error {
	plainSum := j.plainSum
	if plainSum == nil {
		plainSum = sha512Sum(s.hs.sha, j.buf[blobOverhead:blobOverhead+j.n])
	}
	var nonce [xNonceSize]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return fmt.Errorf("reading random nonce: %w", err)
	}
	key, err := s.keys.key(s.salt) // waits for the derivation on the first chunks
	if err != nil {
		return err
	}
	sealed, err := sealBlobInPlaceWith(s.hs.b2, j.buf, j.n, key, s.salt, nonce[:])
	if err != nil {
		return err
	}
	var encHex string
	if s.outSum == nil {
		encHex = hex.EncodeToString(sha512Sum(s.hs.sha, sealed))
	}
	j.out = sealed
	j.rec = chunkRecord{
		SHA512: chunkSums{Encrypted: encHex, Plain: hex.EncodeToString(plainSum)},
		Length: chunkLengths{Encrypted: int64(len(sealed)), Plain: int64(j.n)},
	}
	return nil
}

// emit runs on the sink goroutine, in chunk order. It writes the blob
// readPiece bytes at a time: each write goes through several passes over
// its bytes (archive/zip's CRC-32, the caller's digest and SHA-512, the
// copy into a destination's buffer), and over a piece only the first
// reads memory, the others the cache; over a whole 24 MiB blob each read
// memory. Nor does a caller's hash then hold the goroutine for a whole
// blob, which a garbage collection would wait for (see hashPiece).
func (s *chunkSealer) emit(j *chunkJob) error {
	if j.err != nil {
		return j.err
	}
	if s.outSum != nil {
		s.outChunks = append(s.outChunks, s.outSum.pairChunk(s.dataStart+s.written, int64(len(j.out))))
	}
	for b := j.out; len(b) > 0; {
		n, err := s.out.Write(b[:min(len(b), readPiece)])
		s.written += int64(n)
		if err != nil {
			return fmt.Errorf("writing chunk %d: %w", j.index, err)
		}
		b = b[n:]
	}
	s.records = append(s.records, j.rec)
	return nil
}

// Write buffers p into chunks, handing each full one to the workers.
func (s *chunkSealer) Write(p []byte) (int, error) {
	if s.closed {
		return 0, fmt.Errorf("internal error: write to closed chunk sealer")
	}
	total := 0
	for len(p) > 0 {
		if s.cur == nil {
			j, err := s.pool.get()
			if err != nil {
				return total, err
			}
			if cap(j.buf) < blobOverhead+s.size+tagSize {
				j.buf = chunkBuffer(blobOverhead + s.size + tagSize)
			}
			j.n = 0
			j.plainSum = nil
			s.cur = j
			s.hashed = 0
			if s.pair {
				s.curSum = sha512.New()
			}
		}
		m := copy(s.cur.buf[blobOverhead+s.cur.n:blobOverhead+s.size], p)
		s.cur.n += m
		// With pair, only whole blocks are hashed until the chunk is
		// submitted: the pair kernel runs only on hashes standing on a
		// block boundary, and the writes (archive/zip's headers, the
		// files' blocks) are of any length.
		s.hashUpTo(s.cur.n &^ (sha512.BlockSize - 1))
		s.plain += int64(m)
		total += m
		p = p[m:]
		if s.cur.n == s.size {
			s.submit()
		}
	}
	return total, nil
}

// hashUpTo hashes the current chunk's plaintext up to end into whole,
// and with pair into the chunk's SHA-512 at the same time, hashPiece
// bytes at a time. The bytes have just been copied: they are in the
// cache.
func (s *chunkSealer) hashUpTo(end int) {
	plain := s.cur.buf[blobOverhead : blobOverhead+end]
	for s.hashed < end {
		b := plain[s.hashed:min(end, s.hashed+hashPiece)]
		if s.pair {
			sha512pair.Write(s.whole, s.curSum, b)
		} else {
			s.whole.Write(b)
		}
		s.hashed += len(b)
	}
}

// submit hands the current chunk to the workers, with its plaintext's
// SHA-512 when Write took it.
func (s *chunkSealer) submit() {
	s.hashUpTo(s.cur.n)
	if s.pair {
		s.cur.plainSum = s.curSum.Sum(nil)
	}
	s.pool.submit(s.cur)
	s.cur = nil
}

// Close seals the last partial chunk, waits for every chunk to be written
// and returns the chunks' records. No chunk follows a full last one: like
// the app, an inner archive of exactly k chunks makes k blobs.
func (s *chunkSealer) Close() ([]chunkRecord, error) {
	if s.closed {
		return nil, fmt.Errorf("internal error: chunk sealer closed twice")
	}
	s.closed = true
	if s.cur != nil {
		if s.cur.n > 0 {
			s.submit()
		} else {
			s.pool.release(s.cur)
		}
		s.cur = nil
	}
	err := s.pool.close()
	s.hs.close()
	if err != nil {
		return nil, err
	}
	return s.records, nil
}

// Abort stops the workers and waits for them, discarding everything.
func (s *chunkSealer) Abort(err error) {
	if s.closed {
		return
	}
	s.closed = true
	if s.cur != nil {
		s.pool.release(s.cur)
		s.cur = nil
	}
	s.pool.abort(err)
	s.hs.close()
}

// fillSums puts each blob's SHA-512, taken by outSum, into its record,
// once the output holds every blob (flushed), and returns the records.
func (s *chunkSealer) fillSums(records []chunkRecord) []chunkRecord {
	for i, c := range s.outChunks {
		records[i].SHA512.Encrypted = hex.EncodeToString(c.h.Sum(nil))
	}
	return records
}

// sum returns the SHA-512 of everything written.
func (s *chunkSealer) sum() []byte { return s.whole.Sum(nil) }
