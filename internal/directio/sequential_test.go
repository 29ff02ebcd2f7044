package directio

import (
	"bytes"
	"errors"
	"io"
	"sync/atomic"
	"testing"
)

// countingReaderAt counts the reads that reach a ReaderAt.
type countingReaderAt struct {
	r     io.ReaderAt
	reads atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.reads.Add(1)
	return c.r.ReadAt(p, off)
}

// TestSequential reads a file as a backup's check does: small reads at
// its end first, then a run of reads going forward from an unaligned
// offset, with reads behind the run and far ahead of it in between. Every
// read returns the file's bytes; the run is served from the blocks (few
// reads reach the file); a read past the end is short with io.EOF.
func TestSequential(t *testing.T) {
	const block = 4 * RunStart
	size := 40*block + 1234
	path, data := randomFile(t, size)
	f := open(t, path)
	dropCache(t, f)
	c := &countingReaderAt{r: NewReaderAt(f)}
	s := NewSequential(c, int64(size), block, 3, RunStart)
	defer s.Close()

	read := func(off, n int) {
		t.Helper()
		p := make([]byte, n)
		got, err := s.ReadAt(p, int64(off))
		want := min(n, size-off)
		if got != want || !bytes.Equal(p[:got], data[off:off+want]) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d bytes, want the file's %d", n, off, got, want)
		}
		if (want < n) != errors.Is(err, io.EOF) || (err != nil && !errors.Is(err, io.EOF)) {
			t.Fatalf("ReadAt(%d bytes at %d): %v", n, off, err)
		}
	}
	read(size-100, 100) // the directory at the end: not the run's
	read(10, 30)
	start := c.reads.Load()
	off := 777
	for off < 30*block { // 120 reads, 30 blocks
		read(off, RunStart)
		if off == 777+5*RunStart {
			read(100, 50)          // behind the run
			read(off+10*block, 10) // far ahead of it
		}
		off += RunStart
	}
	// 30 blocks, 3 read ahead, the 2 reads off the run; 120 without blocks.
	if n := c.reads.Load() - start; n > 30+3+2+1 {
		t.Errorf("%d reads reached the file for a run of %d blocks, want it read in blocks", n, 30)
	}
	read(off, size) // on to the end and past it
	read(size, 10)
	s.Close()
	read(5, 10) // after Close, straight from the file
}

// TestSequentialFailure: a read error in the read-ahead reaches the
// caller through its own read of the same bytes.
func TestSequentialFailure(t *testing.T) {
	data := bytes.Repeat([]byte("cake"), 100<<10)
	r := &failAfter{r: bytes.NewReader(data), at: 200 << 10}
	s := NewSequential(r, int64(len(data)), 64<<10, 2, RunStart)
	defer s.Close()
	p := make([]byte, 128<<10)
	if n, err := s.ReadAt(p, 0); n != len(p) || err != nil || !bytes.Equal(p, data[:len(p)]) {
		t.Fatalf("first read: %d bytes, %v", n, err)
	}
	n, err := s.ReadAt(p, 128<<10)
	if !errors.Is(err, errTest) || !bytes.Equal(p[:n], data[128<<10:128<<10+n]) {
		t.Fatalf("read across the failure: %d bytes, %v, want the bytes before it, then %v", n, err, errTest)
	}
}

// failAfter fails every read that reaches past at.
type failAfter struct {
	r  io.ReaderAt
	at int64
}

func (f *failAfter) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.at {
		n, _ := f.r.ReadAt(p[:max(0, f.at-off)], off)
		return n, errTest
	}
	return f.r.ReadAt(p, off)
}

// TestSequentialNewRun reads a file as a backup's check with the
// password does: one big read of a chunk near the end (the inner
// archive's directory), then a run from the front. The run from the
// front is served from blocks read ahead, not read by read from the
// file, where the caller allows new runs (minRun above 0); with minRun
// 0 every read off the first run goes to the file, as before.
func TestSequentialNewRun(t *testing.T) {
	const block = 4 * RunStart
	size := 40*block + 1234
	path, data := randomFile(t, size)
	for _, c := range []struct {
		minRun   int
		maxReads int64 // reads reaching the file for the run from the front
	}{
		{minRun: RunStart, maxReads: 30 + 3 + 2},
		{minRun: 0, maxReads: 1 << 20},
	} {
		f := open(t, path)
		dropCache(t, f)
		cr := &countingReaderAt{r: NewReaderAt(f)}
		s := NewSequential(cr, int64(size), block, 3, c.minRun)
		read := func(off, n int) {
			t.Helper()
			p := make([]byte, n)
			got, err := s.ReadAt(p, int64(off))
			want := min(n, size-off)
			if got != want || !bytes.Equal(p[:got], data[off:off+want]) || (err != nil && !errors.Is(err, io.EOF)) {
				t.Fatalf("minRun %d: ReadAt(%d bytes at %d) = %d bytes, %v; want the file's %d", c.minRun, n, off, got, err, want)
			}
		}
		read(size-3*block-100, 3*block) // a chunk near the end
		read(size-50, 50)               // the end of the file
		start := cr.reads.Load()
		for off := 555; off < 30*block; off += RunStart {
			read(off, RunStart)
		}
		n := cr.reads.Load() - start
		if n > c.maxReads {
			t.Errorf("minRun %d: %d reads reached the file for a run of 30 blocks, want at most %d", c.minRun, n, c.maxReads)
		}
		if c.minRun == 0 && n < 30*4 {
			t.Errorf("minRun 0: %d reads reached the file, want every one of the run's 120 (no new run)", n)
		}
		read(size-RunStart, 2*RunStart) // to the end and past it
		s.Close()
		f.Close()
	}
}
