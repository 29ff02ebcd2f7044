package directio

import (
	"io"
	"sync"
)

// Sequential is an io.ReaderAt that serves a run of reads going forward
// through a file from blocks read ahead on another goroutine (Ahead):
// direct reads get no read-ahead from the kernel, and a reader going
// through a backup a quarter of a MiB at a time would otherwise wait on
// the disk for each read with nothing else to do. The blocks are read
// straight into aligned buffers and copied from there, in user space.
//
// The run starts at the first read of at least minRun bytes (RunStart
// for a reader that also reads a ZIP's directory at the end of the file
// and headers, which then go to the underlying ReaderAt). So does any read behind the run's blocks or
// far ahead of them. With a minRun above 0, a read of at least minRun
// bytes there, or after the run's blocks reached the end of the file,
// starts a new run: a backup's check reads one chunk at the end first
// (the inner archive's directory), then goes through the data from the
// front. Sequential is safe for concurrent use; Close stops
// the reading goroutine.
type Sequential struct {
	r      io.ReaderAt
	size   int64
	block  int
	blocks int
	minRun int

	mu    sync.Mutex
	a     *Ahead   // started by the run's first read
	off   int64    // the file offset of blk
	blk   []byte   // the block Next returned last
	bufs  [][]byte // the blocks' buffers, made for the first run
	ended bool     // the run's blocks reached the end of the file
	done  bool     // the blocks failed, or Close was called
}

// RunStart is a size of read that tells a run: bigger than a ZIP's
// headers and directory, smaller than a reader going through data.
const RunStart = 64 << 10

// NewSequential returns a Sequential reading r, of size bytes, blocks
// blocks of block bytes (a multiple of Align) ahead of the run's reads,
// the run starting at the first read of at least minRun bytes.
func NewSequential(r io.ReaderAt, size int64, block, blocks, minRun int) *Sequential {
	return &Sequential{r: r, size: size, block: block, blocks: blocks, minRun: minRun}
}

// ReadAt reads len(p) bytes at off, as io.ReaderAt does.
func (s *Sequential) ReadAt(p []byte, off int64) (int, error) {
	n := s.fromBlocks(p, off)
	if n == len(p) {
		return n, nil
	}
	m, err := s.r.ReadAt(p[n:], off+int64(n))
	return n + m, err
}

// fromBlocks copies what it can of the file at off into p from the
// blocks, skipping blocks behind off, and returns how many bytes it
// copied; the caller reads the rest itself (and gets any error from
// there).
func (s *Sequential) fromBlocks(p []byte, off int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done || off >= s.size {
		return 0
	}
	// A read behind the blocks, or beyond those read or coming, is not
	// the run's; a big one starts a new run, where the caller allows.
	if s.a != nil && (s.ended || off < s.off || off >= s.off+int64(len(s.blk))+int64(s.block*s.blocks)) {
		if s.minRun == 0 || len(p) < s.minRun {
			return 0
		}
		s.a.Close()
		s.a = nil
	}
	if s.a == nil {
		if len(p) < s.minRun {
			return 0
		}
		if s.bufs == nil {
			s.bufs = Blocks(s.block, s.blocks)
		}
		s.off = off &^ (Align - 1) // aligned, as direct reads need
		s.blk, s.ended = nil, false
		s.a = NewAheadWith(io.NewSectionReader(s.r, s.off, s.size-s.off), s.bufs)
	}
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= s.off+int64(len(s.blk)) {
			blk, err := s.a.Next()
			if err == io.EOF {
				s.ended = true // the rest is the caller's to read
				break
			}
			if err != nil {
				s.done = true // the caller's own read gets the error, if any
				break
			}
			s.off += int64(len(s.blk))
			s.blk = blk
			continue
		}
		n += copy(p[n:], s.blk[at-s.off:])
	}
	return n
}

// Close stops the reading goroutine; later reads go to the underlying
// ReaderAt.
func (s *Sequential) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.a != nil {
		s.a.Close()
		s.a = nil
	}
	s.done = true
}
