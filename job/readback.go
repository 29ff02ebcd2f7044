package job

import (
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/ctxio"
	"github.com/cakebackup/cakebackup/internal/directio"
	"github.com/zeebo/xxh3"
)

// ErrReadBackDiffers is wrapped by the read-back check's error when a
// medium returns other bytes than were written to it: a fake-capacity
// stick, a flaky cable, a cloud handing back another revision.
var ErrReadBackDiffers = errors.New("the stored copy differs from what was written")

// streamDigest is a 128-bit digest of a backup's bytes, computed while
// they stream out, so the read-back check compares what the medium
// returns with what was written without re-doing the format's own
// hashing. It hashes the stream in blocks of digestBlock bytes with
// XXH3's 128-bit hash under a random seed, and the blocks' hashes in turn
// with a streaming XXH3 under the same seed: at memory speed (tens of
// GB/s on bytes in the cache, where maphash's streaming Write, 128 bytes
// a call, ran at about 2 GB/s for the two 64-bit halves it took). The
// blocks are hashed where they lie, not copied into XXH3's streaming
// buffer first. For corruption (which cannot see the seed) a false match
// has a chance of about 2^-128. It proves nothing against an attacker,
// which is not its job: the format's checksums and the password's
// authentication are, and `verify` runs them in full.
type streamDigest struct {
	seed   uint64
	blocks *xxh3.Hasher // of the whole blocks' hashes, in order; nil before the first
	part   []byte       // the bytes of the block under way
	n      int64
}

// digestBlock is how many bytes of the stream one hash call takes.
const digestBlock = 64 << 10

func newStreamDigest() *streamDigest {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	seed := binary.LittleEndian.Uint64(b[:])
	if seed == 0 {
		seed = 1 // xxh3 takes 0 as no seed
	}
	return newSeededDigest(seed)
}

// newSeededDigest returns an empty digest under seed. It takes no more
// memory than the bytes it holds until it has a whole block: a
// passThrough keeps thousands of digests of short reads.
func newSeededDigest(seed uint64) *streamDigest {
	return &streamDigest{seed: seed}
}

func (d *streamDigest) Write(p []byte) (int, error) {
	n := len(p)
	d.n += int64(n)
	if len(d.part) > 0 {
		m := min(len(p), digestBlock-len(d.part))
		d.part = append(d.part, p[:m]...)
		p = p[m:]
		if len(d.part) < digestBlock {
			return n, nil
		}
		d.block(d.part)
		d.part = d.part[:0]
	}
	for len(p) >= digestBlock {
		d.block(p[:digestBlock])
		p = p[digestBlock:]
	}
	d.part = append(d.part, p...) // grows only as far as the bytes need
	return n, nil
}

func (d *streamDigest) block(b []byte) {
	if d.blocks == nil {
		d.blocks = xxh3.NewSeed(d.seed)
	}
	sum := xxh3.Hash128Seed(b, d.seed).Bytes()
	d.blocks.Write(sum[:])
}

// same returns a digest under the same seed, empty.
func (d *streamDigest) same() *streamDigest { return newSeededDigest(d.seed) }

// equal reports whether e, made with d.same(), digested the same bytes.
// Equal lengths put the blocks' bounds at the same places.
func (d *streamDigest) equal(e *streamDigest) bool {
	return d.n == e.n && d.blocksSum() == e.blocksSum() &&
		xxh3.Hash128Seed(d.part, d.seed) == xxh3.Hash128Seed(e.part, e.seed)
}

// blocksSum is the hash of the whole blocks' hashes; zero without any.
func (d *streamDigest) blocksSum() xxh3.Uint128 {
	if d.blocks == nil {
		return xxh3.Uint128{}
	}
	return d.blocks.Sum128()
}

// readBackCheck is the check a made backup's copies pass before they are
// published: the stored bytes have the size and digest of what was
// written, and open as a backup (container, metadata). With full, the
// whole integrity check (every chunk's SHA-512 and BLAKE2b) runs too.
//
// With record non-nil, a copy whose bytes match the digest written gives
// the record the SHA-512 of the stored bytes: of this copy and of every
// other copy whose digest matches. Where the caller took it as the bytes
// were written (record.sum set, as create does, where both cores share
// the pass with the sealing), the match only marks it as that; else the
// check takes it of the bytes it reads back, beside the digest.
func readBackCheck(written *streamDigest, full bool, record *storedSum) destinations.Check {
	return func(ctx context.Context, r io.ReaderAt, size int64) error {
		if size != written.n {
			return fmt.Errorf("%w: %d bytes stored, %d written", ErrReadBackDiffers, size, written.n)
		}
		same, sum, err := readDigest(ctx, r, written, record != nil && record.sum == nil)
		if err != nil {
			return err
		}
		if !same {
			return ErrReadBackDiffers
		}
		if record != nil {
			if sum != nil {
				record.sum = sum
			}
			record.stored = true
		}
		if full {
			return backup.IntegrityCheck(ctx, r, size)
		}
		_, err = backup.Open(r, size)
		return err
	}
}

// readDigest reads the first written.n bytes of r and reports whether
// they have the digest written has; with sha, it also returns their
// SHA-512, taken beside the digest (hashBeside): the read-back's digest
// and SHA-512 then take two cores, and the read-back about the time of
// the SHA-512 alone.
func readDigest(ctx context.Context, r io.ReaderAt, written *streamDigest, sha bool) (same bool, sum []byte, err error) {
	got := written.same()
	var w io.Writer = got
	var h hash.Hash
	if sha {
		h = sha512.New()
		beside := newHashBeside(got, h)
		defer beside.close()
		w = beside
	}
	if err := copyAhead(ctx, w, io.NewSectionReader(r, 0, written.n)); err != nil {
		return false, nil, err
	}
	if h != nil {
		sum = h.Sum(nil)
	}
	return got.equal(written), sum, nil
}

// hashBeside writes to w and to the hash h at the same time: w on the
// caller's goroutine, h on its own, each Write returning once both are
// done with the bytes, which they share (no copy): a read-back's digest
// and SHA-512 (readDigest) take two cores. close must be called.
type hashBeside struct {
	w    io.Writer
	h    hash.Hash
	in   chan []byte
	done chan struct{}
}

func newHashBeside(w io.Writer, h hash.Hash) *hashBeside {
	b := &hashBeside{w: w, h: h, in: make(chan []byte), done: make(chan struct{})}
	go func() {
		for p := range b.in {
			h.Write(p)
			b.done <- struct{}{}
		}
	}()
	return b
}

func (b *hashBeside) Write(p []byte) (int, error) {
	b.in <- p
	n, err := b.w.Write(p)
	<-b.done
	return n, err
}

func (b *hashBeside) close() { close(b.in) }

// storedSum is the SHA-512 of a made backup's stored bytes, for the record
// (verified.json): taken while writing or by a read-back check
// (readBackCheck), and told only once a copy read back matched the digest
// written.
type storedSum struct {
	sum    []byte // nil until taken
	stored bool   // a copy read back matched the digest written
}

// hex returns the sum in hex, "" until a copy read back matched.
func (s *storedSum) hex() string {
	if !s.stored || s.sum == nil {
		return ""
	}
	return hex.EncodeToString(s.sum)
}

// The read-back reads aheadBlocks blocks of aheadBlock bytes ahead of its
// hashing.
const (
	aheadBlock  = 4 << 20
	aheadBlocks = 2
)

// copyAhead copies r to w until r's end, as io.Copy does, but reads in
// another goroutine (directio.Ahead) up to aheadBlocks blocks ahead of w,
// so that waiting on the medium (a cold disk, a download) and hashing
// what came overlap. It stops within one block of ctx being done. It
// returns when the reading goroutine has stopped.
func copyAhead(ctx context.Context, w io.Writer, r io.Reader) error {
	a := directio.NewAhead(ctxio.NewReader(ctx, r), aheadBlock, aheadBlocks)
	defer a.Close()
	for {
		b, err := a.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
}
