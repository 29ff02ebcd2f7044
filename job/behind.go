package job

import (
	"hash"

	"github.com/cakebackup/cakebackup/internal/directio"
	"sync"
	"sync/atomic"
)

// writeBehind passes a stream on to a writer and into a hash on two
// goroutines of its own, behind its caller: Write copies the bytes into
// one of a few blocks and returns, and each full block goes to both
// goroutines, which share it (no copy) and free it once both are done.
//
// In send, the caller is the check's reading goroutine (passThrough),
// which the check's workers wait on for every chunk. Writing the copies
// there (a direct write waits on the disk) and hashing the file there (a
// core's worth of SHA-512) starved the workers: the write phase took
// twice its CPU time. Behind it, the disk, the file's SHA-512 and the
// chunks' checks overlap, for the price of one copy of the bytes.
//
// With no hash (h nil), only the writer's goroutine runs: send takes the
// file's SHA-512 only for a caller that asks for it.
//
// The writer's first error is returned by a later Write and by close;
// the writer gets nothing more after it. close must be called.
type writeBehind struct {
	w    writerFunc
	h    hash.Hash
	free chan *behindBlock
	toW  chan *behindBlock
	toH  chan *behindBlock
	cur  *behindBlock // the block being filled; nil between blocks
	wg   sync.WaitGroup
	err  atomic.Pointer[error] // the writer's first error
	once sync.Once
}

// writerFunc is the Write method of the stream's destination.
type writerFunc func(p []byte) (int, error)

// behindBlock is a block of the stream and how many of the two
// goroutines are still to take it.
type behindBlock struct {
	b     []byte
	users atomic.Int32
}

// Sizes of writeBehind's blocks, aligned (directio.Blocks) so that a
// direct write (local) takes each block straight from the ring, 2 MiB at
// a time, while the check fills the others: little against the check's
// own chunk buffers (four of 24 MiB).
const (
	behindBlockSize = 2 << 20
	behindBlocks    = 4
)

// newWriteBehind starts passing a stream on to w and, unless h is nil,
// into h.
func newWriteBehind(w writerFunc, h hash.Hash) *writeBehind {
	b := &writeBehind{
		w:    w,
		h:    h,
		free: make(chan *behindBlock, behindBlocks),
		toW:  make(chan *behindBlock, behindBlocks),
		toH:  make(chan *behindBlock, behindBlocks),
	}
	for _, blk := range directio.Blocks(behindBlockSize, behindBlocks) {
		b.free <- &behindBlock{b: blk[:0]}
	}
	b.wg.Add(1)
	go b.write()
	if h != nil {
		b.wg.Add(1)
		go b.hash()
	}
	return b
}

// Write copies p into the blocks, handing each on as it fills. It returns
// the writer's error once there is one.
func (b *writeBehind) Write(p []byte) (int, error) {
	if err := b.failed(); err != nil {
		return 0, err
	}
	n := len(p)
	for len(p) > 0 {
		if b.cur == nil {
			b.cur = <-b.free
			b.cur.b = b.cur.b[:0]
		}
		m := copy(b.cur.b[len(b.cur.b):cap(b.cur.b)], p)
		b.cur.b = b.cur.b[:len(b.cur.b)+m]
		p = p[m:]
		if len(b.cur.b) == cap(b.cur.b) {
			b.handOn()
		}
	}
	return n, nil
}

// handOn gives the current block to both goroutines (to the writer's
// alone without a hash).
func (b *writeBehind) handOn() {
	blk := b.cur
	b.cur = nil
	if b.h == nil {
		blk.users.Store(1)
		b.toW <- blk
		return
	}
	blk.users.Store(2)
	b.toH <- blk
	b.toW <- blk
}

// done frees blk once both goroutines are done with it.
func (b *writeBehind) done(blk *behindBlock) {
	if blk.users.Add(-1) == 0 {
		b.free <- blk
	}
}

func (b *writeBehind) write() {
	defer b.wg.Done()
	for blk := range b.toW {
		if b.failed() == nil {
			if _, err := b.w(blk.b); err != nil {
				b.err.CompareAndSwap(nil, &err)
			}
		}
		b.done(blk)
	}
}

func (b *writeBehind) hash() {
	defer b.wg.Done()
	for blk := range b.toH {
		// A piece at a time: a garbage collection waits for a call into
		// the assembly to end (see backup.hashPiece).
		for p := blk.b; len(p) > 0; {
			m := min(len(p), 1<<20)
			b.h.Write(p[:m])
			p = p[m:]
		}
		b.done(blk)
	}
}

// failed returns the writer's first error, or nil.
func (b *writeBehind) failed() error {
	if err := b.err.Load(); err != nil {
		return *err
	}
	return nil
}

// flush hands on what was written last, waits until the writer and the
// hash have taken every byte, stops the goroutines and returns the
// writer's first error. Only the first call hands on and waits; close
// returns the same error.
func (b *writeBehind) flush() error {
	b.once.Do(func() {
		if b.cur != nil && len(b.cur.b) > 0 {
			b.handOn()
		}
		close(b.toW)
		close(b.toH)
		b.wg.Wait()
	})
	return b.failed()
}
