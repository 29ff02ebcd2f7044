package job

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/ctxio"
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
func readBackCheck(written *streamDigest, full bool) destinations.Check {
	return func(ctx context.Context, r io.ReaderAt, size int64) error {
		if size != written.n {
			return fmt.Errorf("%w: %d bytes stored, %d written", ErrReadBackDiffers, size, written.n)
		}
		got := written.same()
		if _, err := io.Copy(got, ctxio.NewReader(ctx, io.NewSectionReader(r, 0, size))); err != nil {
			return err
		}
		if !got.equal(written) {
			return ErrReadBackDiffers
		}
		if full {
			return backup.IntegrityCheck(ctx, r, size)
		}
		_, err := backup.Open(r, size)
		return err
	}
}
