package job

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/maphash"
	"io"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/ctxio"
	"github.com/cakebackup/cakebackup/internal/directio"
)

// ErrReadBackDiffers is wrapped by the read-back check's error when a
// medium returns other bytes than were written to it: a fake-capacity
// stick, a flaky cable, a cloud handing back another revision.
var ErrReadBackDiffers = errors.New("the stored copy differs from what was written")

// streamDigest is a 128-bit digest of a backup's bytes, computed while
// they stream out, so the read-back check compares what the medium
// returns with what was written without re-doing the format's own
// hashing. Its two halves are maphash sums under independent random
// seeds: at memory speed, and for corruption (which cannot see the seeds)
// a false match has a chance of 2^-128. It proves nothing against an
// attacker, which is not its job: the format's checksums and the
// password's authentication are, and `verify` runs them in full.
type streamDigest struct {
	a, b maphash.Hash
	n    int64
}

func newStreamDigest() *streamDigest {
	d := &streamDigest{}
	d.a.SetSeed(maphash.MakeSeed())
	d.b.SetSeed(maphash.MakeSeed())
	return d
}

func (d *streamDigest) Write(p []byte) (int, error) {
	d.a.Write(p)
	d.b.Write(p)
	d.n += int64(len(p))
	return len(p), nil
}

// same returns a digest under the same seeds, empty.
func (d *streamDigest) same() *streamDigest {
	e := &streamDigest{}
	e.a.SetSeed(d.a.Seed())
	e.b.SetSeed(d.b.Seed())
	return e
}

// equal reports whether e, made with d.same(), digested the same bytes.
func (d *streamDigest) equal(e *streamDigest) bool {
	return d.n == e.n && d.a.Sum64() == e.a.Sum64() && d.b.Sum64() == e.b.Sum64()
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
		got := written.same()
		var w io.Writer = got
		var sha hash.Hash
		if record != nil && record.sum == nil {
			sha = sha512.New()
			fork := newForkWriter(got, sha)
			defer fork.close()
			w = fork
		}
		if err := copyAhead(ctx, w, io.NewSectionReader(r, 0, size)); err != nil {
			return err
		}
		if !got.equal(written) {
			return ErrReadBackDiffers
		}
		if sha != nil {
			record.sum = sha.Sum(nil)
		}
		if record != nil {
			record.stored = true
		}
		if full {
			return backup.IntegrityCheck(ctx, r, size)
		}
		_, err := backup.Open(r, size)
		return err
	}
}

// forkWriter writes each block to a and, in another goroutine at the same
// time, to b, and returns once both are done with it: the read-back's
// digest and SHA-512 then take two cores, and the read-back about the
// time of the SHA-512 alone. a and b must be writers that never fail
// (hashes).
type forkWriter struct {
	a, b   io.Writer
	blocks chan []byte
	done   chan struct{}
}

func newForkWriter(a, b io.Writer) *forkWriter {
	f := &forkWriter{a: a, b: b, blocks: make(chan []byte), done: make(chan struct{})}
	go func() {
		for p := range f.blocks {
			f.b.Write(p)
			f.done <- struct{}{}
		}
	}()
	return f
}

func (f *forkWriter) Write(p []byte) (int, error) {
	f.blocks <- p
	f.a.Write(p)
	<-f.done
	return len(p), nil
}

// close stops the other goroutine.
func (f *forkWriter) close() { close(f.blocks) }

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
