// Package directio reads and writes large files around the page cache
// (O_DIRECT on Linux): the disk then moves the bytes to and from our
// buffers itself, where the kernel would otherwise copy every byte
// between them and cached pages it allocates and frees again. For a
// backup that is most of the kernel's CPU time, and a read-back that
// must come from the medium gets exactly that.
//
// Direct reads and writes need offsets, lengths and buffers aligned to
// the disk's blocks; the types here take any and send only the aligned
// part straight to the disk. Where the system or the file system does not
// do direct I/O, or refuses an alignment (EINVAL), they go through the
// page cache as plain reads and writes do.
package directio

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/cakebackup/cakebackup/internal/hugepage"
)

// Align is the alignment of direct reads and writes: 4096 covers disks of
// 512- and 4096-byte sectors.
const Align = hugepage.PageSize

// Buffer returns n bytes starting at an address Align divides
// (hugepage.Buffer). One of at least a huge page is backed by
// huge pages where the kernel has them, which are faulted in 512 times
// less often.
func Buffer(n int) []byte { return hugepage.Buffer(n) }

// aligned reports whether b starts at an address Align divides.
func aligned(b []byte) bool {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b)))%Align == 0
}

// isInvalid tells the error of a direct read or write the file system
// refused (a misalignment, or no direct I/O at all).
func isInvalid(err error) bool { return errors.Is(err, syscall.EINVAL) }

// Reader reads a file from its current offset, directly while the reads
// can be (the offset and the caller's buffer aligned), then through the
// page cache: after the short read at the end of a file whose size is not
// aligned, or after a refusal.
type Reader struct {
	f      *os.File
	off    int64
	direct bool
}

// NewReader returns a reader of f, reading directly when f is mostly not
// in the page cache: a file already cached is cheaper to copy from there
// than to read from the disk again.
func NewReader(f *os.File) *Reader {
	r := &Reader{f: f}
	if off, err := f.Seek(0, io.SeekCurrent); err == nil && off%Align == 0 && cold(f) {
		r.off = off
		r.direct = setDirect(f, true) == nil
	}
	return r
}

// Read reads into p; for a direct read, p should start at an aligned
// address (Buffer) and hold at least Align bytes.
func (r *Reader) Read(p []byte) (int, error) {
	if r.direct && (r.off%Align != 0 || len(p) < Align || !aligned(p)) {
		r.buffered()
	}
	if !r.direct {
		return r.f.Read(p)
	}
	n, err := r.f.Read(p[:len(p)&^(Align-1)])
	r.off += int64(n)
	if err != nil && isInvalid(err) && n == 0 && r.buffered() {
		return r.f.Read(p)
	}
	return n, err
}

// buffered turns direct reads off, reporting whether they are.
func (r *Reader) buffered() bool {
	if setDirect(r.f, false) == nil {
		r.direct = false
	}
	return !r.direct
}

// ReaderAt reads a file at any offset into any buffer, directly where the
// file system allows: straight into the caller's buffer when it and the
// offset are aligned, else through an aligned bounce buffer. Reads may run
// in parallel, as io.ReaderAt allows; those through the bounce buffer take
// turns.
type ReaderAt struct {
	f        *os.File
	buffered atomic.Bool // direct reads are off

	mu     sync.Mutex
	bounce []byte // aligned, allocated on first use
}

// bounceSize is the most one read through the bounce buffer reads.
const bounceSize = 1 << 20

// NewReaderAt returns a ReaderAt of f, reading directly if f's file system
// allows it. Its reads then come from the medium, never from cached
// pages. Closing f is the caller's business.
func NewReaderAt(f *os.File) *ReaderAt {
	r := &ReaderAt{f: f}
	if setDirect(f, true) != nil {
		r.buffered.Store(true)
	}
	return r
}

// NewColdReaderAt returns a ReaderAt of f that reads directly, as
// NewReaderAt's does, when f is mostly not in the page cache, and through
// the page cache when it is: a cached file is cheaper to copy from there
// than to read from the disk again (as NewReader decides).
func NewColdReaderAt(f *os.File) *ReaderAt {
	if !cold(f) {
		r := &ReaderAt{f: f}
		r.buffered.Store(true)
		return r
	}
	return NewReaderAt(f)
}

// Direct reports whether r reads directly.
func (r *ReaderAt) Direct() bool { return !r.buffered.Load() }

// ReadAt reads len(p) bytes at off, as io.ReaderAt does.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: r.f.Name(), Err: fs.ErrInvalid}
	}
	n := 0
	for len(p) > 0 {
		if r.buffered.Load() {
			m, err := r.f.ReadAt(p, off)
			return n + m, err
		}
		m, eof, err := r.readDirect(p, off)
		if err != nil && isInvalid(err) && m == 0 {
			if err := r.stopDirect(); err != nil {
				return n, err
			}
			continue
		}
		n += m
		p = p[m:]
		off += int64(m)
		if err != nil {
			return n, &fs.PathError{Op: "read", Path: r.f.Name(), Err: err}
		}
		if eof && len(p) > 0 {
			return n, io.EOF
		}
	}
	return n, nil
}

// stopDirect turns direct reads off: later reads go through the page
// cache.
func (r *ReaderAt) stopDirect() error {
	if err := setDirect(r.f, false); err != nil {
		return &fs.PathError{Op: "read", Path: r.f.Name(), Err: err}
	}
	r.buffered.Store(true)
	return nil
}

// readDirect reads what it can of p at off with one direct read: straight
// into p when p and off are aligned, else through the bounce buffer. eof
// tells that the read reached the file's end.
func (r *ReaderAt) readDirect(p []byte, off int64) (n int, eof bool, err error) {
	if off%Align == 0 && len(p) >= Align && aligned(p) {
		want := len(p) &^ (Align - 1)
		n, err := pread(r.f, p[:want], off)
		return n, n < want, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bounce == nil {
		r.bounce = Buffer(bounceSize)
	}
	start := off &^ (Align - 1)
	skip := int(off - start)
	want := min((skip+len(p)+Align-1)&^(Align-1), len(r.bounce))
	got, err := pread(r.f, r.bounce[:want], start)
	if err != nil || got <= skip {
		return 0, got < want, err
	}
	return copy(p, r.bounce[skip:got]), got < want, nil
}

// Writer writes a file from its current offset, which must be aligned,
// gathering what it is given in an aligned buffer that goes to the disk
// directly each time it is full. Close writes what is left. A direct
// write the file system refuses is made again through the page cache,
// as are all later ones.
//
// A write error can therefore show up one buffer later than a plain
// file's would, or only in Close.
type Writer struct {
	f       *os.File
	buf     []byte // len: the bytes gathered
	direct  bool
	refused bool // a direct write was refused: the rest went through the cache
	err     error
}

// NewWriter returns a writer of f gathering size bytes (a multiple of
// Align) at a time, or nil when f cannot be written directly: then write
// to f itself.
func NewWriter(f *os.File, size int) *Writer {
	if off, err := f.Seek(0, io.SeekCurrent); err != nil || off%Align != 0 || setDirect(f, true) != nil {
		return nil
	}
	return &Writer{f: f, buf: Buffer(size)[:0], direct: true}
}

// Write gathers p, writing every full buffer. With nothing gathered, the
// aligned part of an aligned p (Buffer, Blocks) goes to the disk straight
// from p, not copied: a caller writing whole aligned blocks has its
// bytes copied once less, and its own blocks set the writes' size.
func (w *Writer) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if w.err != nil {
			return n, w.err
		}
		if m := w.writeStraight(p); m > 0 || w.err != nil {
			n += m
			p = p[m:]
			continue
		}
		m := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf = w.buf[:len(w.buf)+m]
		n += m
		p = p[m:]
		if len(w.buf) == cap(w.buf) {
			w.flush()
		}
	}
	return n, w.err
}

// writeStraight writes the aligned part of p directly from p when
// nothing is gathered and p is aligned, and returns how many bytes it
// wrote; 0 leaves p to be gathered. A refusal (EINVAL) turns direct
// writes off, as flush does, and p is then gathered and written through
// the page cache.
func (w *Writer) writeStraight(p []byte) int {
	full := len(p) &^ (Align - 1)
	if !w.direct || len(w.buf) > 0 || full < Align || !aligned(p) {
		return 0
	}
	m, err := w.f.Write(p[:full])
	switch {
	case err == nil:
		return m
	case !isInvalid(err) || m%Align != 0:
		w.err = err
		return m
	}
	w.refused = true
	if err := setDirect(w.f, false); err != nil {
		w.err = err
		return m
	}
	w.direct = false
	return m
}

// flush writes the gathered bytes: directly all but the unaligned end,
// which stays gathered, or all of them through the page cache.
func (w *Writer) flush() {
	if w.direct {
		full := len(w.buf) &^ (Align - 1)
		m, err := w.f.Write(w.buf[:full])
		w.buf = w.buf[:copy(w.buf, w.buf[m:])]
		if err == nil {
			return
		}
		if !isInvalid(err) || m%Align != 0 {
			w.err = err
			return
		}
		// Refused: go on through the page cache.
		w.refused = true
		if err := setDirect(w.f, false); err != nil {
			w.err = err
			return
		}
		w.direct = false
	}
	if _, err := w.f.Write(w.buf); err != nil {
		w.err = err
		return
	}
	w.buf = w.buf[:0]
}

// Direct reports whether every write so far went to the disk directly:
// none was refused. After Close only the unaligned end went through the
// page cache.
func (w *Writer) Direct() bool { return !w.refused }

// Close writes what is gathered, the unaligned end through the page cache,
// and returns the first error of any write. It leaves the file open.
func (w *Writer) Close() error {
	if w.err == nil && len(w.buf) > 0 {
		w.flush()
	}
	if w.err == nil && len(w.buf) > 0 {
		if err := setDirect(w.f, false); err != nil {
			w.err = err
		} else {
			w.direct = false
			w.flush()
		}
	}
	if w.err == nil {
		w.err = os.ErrClosed // for any later Write
		return nil
	}
	return w.err
}

// Ahead reads r in blocks, a goroutine reading up to a number of blocks
// ahead of its caller, so that waiting on the disk and using what came
// overlap: direct reads get no read-ahead from the kernel, downloads none
// at all. Close must be called.
type Ahead struct {
	filled chan aheadBlock
	free   chan []byte
	stop   chan struct{}
	cur    []byte // the block Next handed out last
}

type aheadBlock struct {
	b   []byte
	err error
}

// NewAhead starts reading r into blocks aligned buffers of size bytes
// (Blocks).
func NewAhead(r io.Reader, size, blocks int) *Ahead {
	return NewAheadWith(r, Blocks(size, blocks))
}

// Blocks returns n aligned buffers of size bytes for an Ahead. They are
// cut from one Buffer, so that together they may be backed by huge pages
// when each alone is too small for one.
func Blocks(size, n int) [][]byte {
	step := (size + Align - 1) &^ (Align - 1) // each block aligned
	slab := Buffer(step * n)
	blocks := make([][]byte, n)
	for i := range blocks {
		blocks[i] = slab[i*step : i*step+size : i*step+size]
	}
	return blocks
}

// NewAheadWith starts reading r into blocks, aligned buffers (Blocks),
// which are the Ahead's until its Close returns: a caller reading many
// files in turn can then give them to the next file's Ahead rather than
// have each allocate its own, garbage that piles up in memory until the
// next collection.
func NewAheadWith(r io.Reader, blocks [][]byte) *Ahead {
	a := &Ahead{
		filled: make(chan aheadBlock, len(blocks)+1), // every buffer and an error: sends never block
		free:   make(chan []byte, len(blocks)),
		stop:   make(chan struct{}),
	}
	for _, b := range blocks {
		a.free <- b
	}
	go a.run(r)
	return a
}

func (a *Ahead) run(r io.Reader) {
	defer close(a.filled)
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		n, err := io.ReadFull(r, b)
		if n > 0 {
			a.filled <- aheadBlock{b: b[:n]}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return
		}
		if err != nil {
			a.filled <- aheadBlock{err: err}
			return
		}
	}
}

// Next returns the next block, valid until the next call of Next or
// Close, or io.EOF after the last one, or the error that stopped the
// reading.
func (a *Ahead) Next() ([]byte, error) {
	if a.cur != nil {
		a.free <- a.cur[:cap(a.cur)]
		a.cur = nil
	}
	blk, ok := <-a.filled
	if !ok {
		return nil, io.EOF
	}
	if blk.err != nil {
		return nil, blk.err
	}
	a.cur = blk.b
	return blk.b, nil
}

// Close stops the reading goroutine and waits for it.
func (a *Ahead) Close() {
	close(a.stop)
	for range a.filled {
	}
}
