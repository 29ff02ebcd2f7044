package local

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/directio"
	"github.com/zeebo/xxh3"
)

// settler reads a backup written directly back from the medium while the
// rest of it is still being written: each time the flusher has flushed
// the file (fsync), the settler reads what is newly flushed with direct
// reads, which come from the medium and never from cached pages, and
// compares it, settleBlock bytes at a time, with a digest of the bytes
// Write was given (XXH3-128 under a random seed). The read-back then
// overlaps the writing, where it used to follow it: Commit is left only
// the last flush and the tail to read back.
//
// Commit still runs its check on the whole file after the last flush
// (the backup's structure), telling it (destinations.ReadBack) that every
// byte was read back and found as written, so that the check need not
// read them all again.
//
// What a later write does to bytes already read back is seen by the final
// sweep: after the last flush, Commit reads the first sweepSize bytes of
// every block again, so that a medium storing a later part over an
// earlier one (a fake-capacity stick wrapping around) fails the copy when
// the part overwritten covers the start of a block, as any of at least
// settleBlock bytes does. (A whole read-back after the last write saw
// smaller ones too.)
type settler struct {
	r    *directio.ReaderAt // the temporary file, read directly
	seed uint64

	// The writer's side, used by Write only.
	h     *xxh3.Hasher128 // of the block being written
	inBlk int64           // its bytes so far
	head  [sweepSize]byte // its first bytes
	heads []uint64        // the digests of every block's first bytes, for sweep

	mu      sync.Mutex
	moved   *sync.Cond
	sums    []xxh3.Uint128 // of the whole blocks written, in order, not yet compared
	durable int64          // the bytes flushed to the medium
	end     int64          // the file's size once Commit finished writing; -1 before
	stop    bool           // Abort: give up
	done    chan struct{}  // closed when the goroutine has ended
	checked int64          // bytes read back and found as written
	err     error          // the first difference or read error
	gaveUp  bool           // the file could not be read directly: Commit reads it all back

	// beforeRead, when not nil, is called before each block is read back
	// with the block's offset (tests change the medium there).
	beforeRead func(off int64)
}

// settleBlock is how many bytes one digest covers, and one direct read
// of the read-back reads.
const settleBlock = 4 << 20

// sweepSize is how many bytes at the start of every block the final
// sweep reads again.
const sweepSize = directio.Align

// newSettler starts settling the file r reads, written from its start.
func newSettler(r *directio.ReaderAt) *settler {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	seed := binary.LittleEndian.Uint64(b[:]) | 1
	s := &settler{r: r, seed: seed, h: xxh3.NewSeed128(seed), end: -1, done: make(chan struct{})}
	s.moved = sync.NewCond(&s.mu)
	go s.run()
	return s
}

// wrote takes the digest of b, the next bytes written.
func (s *settler) wrote(b []byte) {
	for len(b) > 0 {
		m := min(int64(len(b)), settleBlock-s.inBlk)
		if s.inBlk < sweepSize {
			copy(s.head[s.inBlk:], b[:m])
			if s.inBlk+m >= sweepSize {
				s.heads = append(s.heads, xxh3.HashSeed(s.head[:], s.seed))
			}
		}
		s.h.Write(b[:m])
		s.inBlk += m
		b = b[m:]
		if s.inBlk == settleBlock {
			s.endBlock()
		}
	}
}

// endBlock hands the block's digest to the goroutine.
func (s *settler) endBlock() {
	if s.inBlk < sweepSize {
		s.heads = append(s.heads, xxh3.HashSeed(s.head[:s.inBlk], s.seed))
	}
	sum := s.h.Sum128()
	s.h.Reset()
	s.inBlk = 0
	s.mu.Lock()
	s.sums = append(s.sums, sum)
	s.moved.Broadcast()
	s.mu.Unlock()
}

// flushed tells that the file's first n bytes are on the medium.
func (s *settler) flushed(n int64) {
	s.mu.Lock()
	if n > s.durable {
		s.durable = n
		s.moved.Broadcast()
	}
	s.mu.Unlock()
}

// finish tells that the file is size bytes, all flushed, waits for the
// read-back of the rest and returns its verdict: whether every byte was
// read back directly and found as written, or the first difference
// (wrapping destinations.ErrReadBackDiffers) or read error.
func (s *settler) finish(ctx context.Context, size int64) (bool, error) {
	if s.inBlk > 0 {
		s.endBlock()
	}
	s.mu.Lock()
	s.end, s.durable = size, size
	s.moved.Broadcast()
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.abort()
		return false, ctx.Err()
	}
	if s.err != nil {
		return false, s.err
	}
	if s.gaveUp || s.checked != size {
		return false, nil
	}
	return true, s.sweep(ctx, size)
}

// abort stops the goroutine and waits for it.
func (s *settler) abort() {
	s.mu.Lock()
	s.stop = true
	s.moved.Broadcast()
	s.mu.Unlock()
	<-s.done
}

// run reads back each whole block once it is flushed and its digest
// known, and the last one once finish has told the end.
func (s *settler) run() {
	defer close(s.done)
	buf := directio.Buffer(settleBlock)
	for {
		s.mu.Lock()
		for !s.stop && !s.ready() {
			s.moved.Wait()
		}
		if s.stop || len(s.sums) == 0 {
			s.mu.Unlock()
			return
		}
		want := s.sums[0]
		s.sums = s.sums[1:]
		n := int64(settleBlock)
		if s.end >= 0 {
			n = min(n, s.end-s.checked)
		}
		s.mu.Unlock()

		if s.beforeRead != nil {
			s.beforeRead(s.checked)
		}
		got, err := s.r.ReadAt(buf[:n], s.checked)
		switch {
		case !s.r.Direct():
			s.gaveUp = true // read through the page cache: Commit reads it all back
			return
		case err != nil && !(err == io.EOF && int64(got) == n):
			s.err = err
			return
		case xxh3.Hash128Seed(buf[:n], s.seed) != want:
			s.err = fmt.Errorf("%w: the %d bytes at %d", destinations.ErrReadBackDiffers, n, s.checked)
			return
		}
		s.checked += n
	}
}

// ready reports whether the next block can be read back: its digest is
// known and it is flushed, or finish was called (every digest is then
// known, and the file flushed). Called with s.mu held.
func (s *settler) ready() bool {
	if s.end >= 0 {
		return true
	}
	return len(s.sums) > 0 && s.durable >= s.checked+settleBlock
}

// sweep reads the first bytes of every block again, now that nothing more
// will be written, and compares them with what was written there.
func (s *settler) sweep(ctx context.Context, size int64) error {
	buf := directio.Buffer(sweepSize)
	for i, head := range s.heads {
		if err := ctx.Err(); err != nil {
			return err
		}
		off := int64(i) * settleBlock
		n := min(int64(sweepSize), size-off)
		if _, err := s.r.ReadAt(buf[:n], off); err != nil && err != io.EOF {
			return err
		}
		if xxh3.HashSeed(buf[:n], s.seed) != head {
			return fmt.Errorf("%w: the bytes at %d changed after they were read back", destinations.ErrReadBackDiffers, off)
		}
	}
	return nil
}

// startSettling starts a settler on a second handle of the temporary
// file, when that handle reads directly; else Commit reads the whole
// file back after the last flush, as for a file written through the
// page cache.
func (p *pendingFile) startSettling() {
	f, err := p.dir.openRead(p.tmpName)
	if err != nil {
		return
	}
	r := directio.NewReaderAt(f)
	if !r.Direct() {
		f.Close()
		return
	}
	p.reader = f
	p.settle = newSettler(r)
}

// settled waits for the settler, if any, to read back the rest of the
// flushed file and reports whether it read every byte back and found it
// as written; an error is a difference or a failed read.
func (p *pendingFile) settled(ctx context.Context) (bool, error) {
	if p.settle == nil {
		return false, nil
	}
	ok, err := p.settle.finish(ctx, p.written)
	p.stopSettling()
	if err != nil {
		return false, fmt.Errorf("checking backup %s in %s: %w", p.name, p.where, err)
	}
	return ok, nil
}

// stopSettling stops the settler, if any, and closes its handle.
func (p *pendingFile) stopSettling() {
	if p.settle != nil {
		p.settle.abort()
		p.settle = nil
	}
	if p.reader != nil {
		p.reader.Close()
		p.reader = nil
	}
}

// readBackReader is the reader Commit hands a check once the settler
// read every byte back (destinations.ReadBack).
type readBackReader struct{ io.ReaderAt }

// ReadBack reports that every byte was read back and found as written.
func (readBackReader) ReadBack() bool { return true }
