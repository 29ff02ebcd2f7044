package directio

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unsafe"

	"github.com/cakebackup/cakebackup/internal/hugepage"
)

// randomFile writes n random bytes to a new file, flushed to the disk,
// and returns its path and contents.
func randomFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestReaderAt reads a file whose size is not aligned at aligned and
// unaligned offsets, into aligned and unaligned buffers, across its end,
// directly and through the page cache, and in parallel.
func TestReaderAt(t *testing.T) {
	size := 2*bounceSize + 3*Align + 100
	path, data := randomFile(t, size)
	reads := []struct {
		name      string
		off, n    int
		unaligned bool // the buffer starts one byte past an aligned address
	}{
		{name: "aligned", off: 0, n: bounceSize},
		{name: "aligned, past the bounce size", off: Align, n: bounceSize + 2*Align},
		{name: "unaligned offset", off: 17, n: 3 * Align},
		{name: "unaligned buffer", off: Align, n: bounceSize + 5, unaligned: true},
		{name: "small", off: size - 300, n: 10},
		{name: "longer than the bounce buffer, unaligned", off: 1, n: 2*bounceSize + 10},
		{name: "to the end", off: size - 2*Align - 10, n: 2*Align + 10},
		{name: "across the end", off: size - 50, n: Align},
		{name: "aligned across the end", off: size &^ (Align - 1), n: 2 * Align},
		{name: "at the end", off: size, n: 10},
		{name: "past the end", off: size + 5*Align, n: Align},
	}
	for _, mode := range []string{"direct", "buffered"} {
		r := NewReaderAt(open(t, path))
		if mode == "buffered" {
			if err := r.stopDirect(); err != nil && runtime.GOOS == "linux" {
				t.Fatal(err)
			}
		} else if runtime.GOOS == "linux" && !r.Direct() {
			t.Fatal("a file in the test's folder on Linux is not read directly")
		}
		for _, rd := range reads {
			t.Run(mode+"/"+rd.name, func(t *testing.T) {
				buf := Buffer(rd.n + 1)[:rd.n]
				if rd.unaligned {
					buf = Buffer(rd.n + 1)[1:]
				}
				n, err := r.ReadAt(buf, int64(rd.off))
				want := data[min(rd.off, size):min(rd.off+rd.n, size)]
				if n != len(want) || !bytes.Equal(buf[:n], want) {
					t.Fatalf("ReadAt read %d bytes, want %d (same bytes: %v)", n, len(want), bytes.Equal(buf[:n], want))
				}
				if wantEOF := len(want) < rd.n; wantEOF != (err == io.EOF) || (!wantEOF && err != nil) {
					t.Fatalf("ReadAt error %v, want io.EOF: %v", err, wantEOF)
				}
			})
		}
		t.Run(mode+"/parallel", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for i := range 8 {
				wg.Go(func() {
					off, n := i*(size/8)+i, size/8-i
					buf := make([]byte, n)
					if _, err := r.ReadAt(buf, int64(off)); err != nil {
						errs <- err
					} else if !bytes.Equal(buf, data[off:off+n]) {
						errs <- errors.New("other bytes read")
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// TestBuffer: buffers start aligned, huge ones too (hugepage.Buffer), and hold
// the bytes asked for.
func TestBuffer(t *testing.T) {
	for _, c := range []struct{ n, align int }{{1, Align}, {bounceSize, Align}, {hugepage.Size - 1, Align}, {hugepage.Size, Align}, {4*hugepage.Size + 100, Align}} {
		b := Buffer(c.n)
		if len(b) != c.n || cap(b) != c.n {
			t.Errorf("Buffer(%d): len %d cap %d", c.n, len(b), cap(b))
		}
		if addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))); addr%uintptr(c.align) != 0 {
			t.Errorf("Buffer(%d) starts at %#x, not a multiple of %d", c.n, addr, c.align)
		}
		b[c.n-1] = 1 // writable to its end
	}
}

// TestColdReaderAt: a file not in the page cache is read directly, one
// that is through the cache; both read the file's bytes.
func TestColdReaderAt(t *testing.T) {
	path, data := randomFile(t, bounceSize+Align+123)
	for _, cached := range []bool{false, true} {
		f := open(t, path)
		if cached {
			if _, err := io.Copy(io.Discard, f); err != nil {
				t.Fatal(err)
			}
		} else {
			dropCache(t, f)
		}
		r := NewColdReaderAt(f)
		if runtime.GOOS == "linux" && r.Direct() == cached && cachestatWorks(f) {
			t.Errorf("cached %v: reads directly: %v", cached, r.Direct())
		}
		got := make([]byte, len(data)-5)
		if n, err := r.ReadAt(got, 5); n != len(got) || err != nil || !bytes.Equal(got, data[5:]) {
			t.Errorf("cached %v: read %d bytes (%v), the file's: %v", cached, n, err, bytes.Equal(got, data[5:]))
		}
	}
}

// TestReader reads a file that is not cached to its end, through an
// aligned and an unaligned buffer, and one that is.
func TestReader(t *testing.T) {
	path, data := randomFile(t, bounceSize+Align+123)
	for _, tt := range []struct {
		name      string
		unaligned bool
		cached    bool
	}{
		{name: "aligned buffer"},
		{name: "unaligned buffer", unaligned: true},
		{name: "cached", cached: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, path)
			if tt.cached {
				if _, err := io.Copy(io.Discard, f); err != nil {
					t.Fatal(err)
				}
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					t.Fatal(err)
				}
			} else {
				dropCache(t, f)
			}
			r := NewReader(f)
			if runtime.GOOS == "linux" && r.direct == tt.cached && cachestatWorks(f) {
				t.Fatalf("direct = %v for a file cached: %v", r.direct, tt.cached)
			}
			buf := Buffer(256<<10 + 1)
			if tt.unaligned {
				buf = buf[1:]
			} else {
				buf = buf[:256<<10]
			}
			var got bytes.Buffer
			if _, err := io.CopyBuffer(struct{ io.Writer }{&got}, struct{ io.Reader }{r}, buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), data) {
				t.Fatalf("read %d bytes, not the %d written", got.Len(), len(data))
			}
		})
	}
}

// TestWriter writes pieces of every size to a new file and checks the
// file holds them, for files whose size is aligned and not.
func TestWriter(t *testing.T) {
	for _, size := range []int{0, 100, 4 * Align, 3*bounceSize + 7} {
		data := make([]byte, size)
		rand.Read(data)
		path := filepath.Join(t.TempDir(), "f")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := NewWriter(f, 64*Align)
		if runtime.GOOS == "linux" && w == nil {
			t.Fatal("a file in the test's folder on Linux cannot be written directly")
		}
		var out io.Writer = f
		if w != nil {
			out = w
		}
		pieces := []int{1, Align - 1, 3, 64*Align + 5, 2 * Align, 100000}
		for off, i := 0, 0; off < size; i++ {
			n := min(pieces[i%len(pieces)], size-off)
			if m, err := out.Write(data[off : off+n]); m != n || err != nil {
				t.Fatalf("Write = %d, %v", m, err)
			}
			off += n
		}
		if w != nil {
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if !w.Direct() { // the unaligned end through the cache does not count
				t.Errorf("size %d: a write was refused", size)
			}
			if _, err := w.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
				t.Fatalf("Write after Close: %v", err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("size %d: the file holds %d other bytes", size, len(got))
		}
	}
}

// TestWriterStraight writes pieces cut from an aligned buffer, so that
// some start aligned with nothing gathered and go to the disk straight
// from the caller's bytes, and others are gathered: the file holds the
// bytes in order whichever way each piece went.
func TestWriterStraight(t *testing.T) {
	for _, c := range []struct {
		name   string
		pieces []int
	}{
		{"aligned blocks", []int{4 * Align, 4 * Align, Align}},
		{"a block with an unaligned end", []int{4*Align + 100}},
		{"gathered then aligned", []int{100, Align - 100, 2 * Align, 3}},
		{"unaligned then a block", []int{5, 4 * Align}},
		{"bigger than the buffer", []int{20 * Align, 7, 20*Align - 7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			size := 0
			for _, n := range c.pieces {
				size += n
			}
			data := Buffer(size)
			rand.Read(data)
			path := filepath.Join(t.TempDir(), "f")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			w := NewWriter(f, 8*Align)
			if w == nil {
				t.Skip("no direct writes here")
			}
			off := 0
			for _, n := range c.pieces {
				if m, err := w.Write(data[off : off+n]); m != n || err != nil {
					t.Fatalf("Write = %d, %v", m, err)
				}
				off += n
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if !w.Direct() {
				t.Error("a write was refused")
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("the file holds %d other bytes, not the %d written", len(got), len(data))
			}
		})
	}
}

// TestWriterNeedsAnAlignedStart: a file not written from an aligned
// offset is written plainly.
func TestWriterNeedsAnAlignedStart(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("header")); err != nil {
		t.Fatal(err)
	}
	if w := NewWriter(f, Align); w != nil {
		t.Fatal("NewWriter of a file at an unaligned offset")
	}
}

// TestAhead: the blocks Next hands out are the file's bytes in order,
// then io.EOF; a read error comes after the bytes read before it; Close
// stops the reading midway.
func TestAhead(t *testing.T) {
	path, data := randomFile(t, 5*64<<10+77)
	f := open(t, path)
	dropCache(t, f)
	a := NewAhead(NewReader(f), 64<<10, 3)
	var got []byte
	for {
		b, err := a.Next()
		got = append(got, b...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, not the %d of the file", len(got), len(data))
	}

	failing := io.MultiReader(bytes.NewReader(data[:100<<10]), iotest.ErrReader(errTest))
	a = NewAhead(failing, 64<<10, 2)
	got = got[:0]
	var err error
	for err == nil {
		var b []byte
		b, err = a.Next()
		got = append(got, b...)
	}
	a.Close()
	if !errors.Is(err, errTest) || !bytes.Equal(got, data[:len(got)]) || len(got) < 64<<10 {
		t.Fatalf("after %d bytes: %v, want the bytes before the error, then the error", len(got), err)
	}

	// Blocks of a size Align does not divide, read ahead while used: they
	// must not overlap in their shared buffer.
	a = NewAhead(bytes.NewReader(data), 5000, 3)
	got = got[:0]
	for {
		b, err := a.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // the reader fills the other blocks meanwhile
		got = append(got, b...)
	}
	a.Close()
	if !bytes.Equal(got, data) {
		t.Fatalf("5000-byte blocks: read %d bytes, not the %d of the file", len(got), len(data))
	}

	a = NewAhead(bytes.NewReader(data), 64<<10, 2)
	if _, err := a.Next(); err != nil {
		t.Fatal(err)
	}
	a.Close() // must return although blocks are left
}

// TestAheadWithReusedBlocks: blocks given to one Ahead after another's
// Close carry each reader's bytes, in order, whole, even after an Ahead
// closed midway; they stay aligned.
func TestAheadWithReusedBlocks(t *testing.T) {
	blocks := Blocks(64<<10, 2)
	for _, b := range blocks {
		if !aligned(b) || len(b) != 64<<10 || cap(b) != 64<<10 {
			t.Fatalf("block of %d bytes (cap %d), aligned %v", len(b), cap(b), aligned(b))
		}
	}
	readAll := func(r io.Reader) []byte {
		a := NewAheadWith(r, blocks)
		defer a.Close()
		var got []byte
		for {
			b, err := a.Next()
			got = append(got, b...)
			if err == io.EOF {
				return got
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	first := bytes.Repeat([]byte("first "), 50000)
	a := NewAheadWith(bytes.NewReader(first), blocks)
	if _, err := a.Next(); err != nil {
		t.Fatal(err)
	}
	a.Close() // midway: the blocks come back
	for i, want := range [][]byte{first, bytes.Repeat([]byte("second file "), 30000), []byte("third")} {
		if got := readAll(bytes.NewReader(want)); !bytes.Equal(got, want) {
			t.Fatalf("reader %d: got %d bytes, not its %d", i, len(got), len(want))
		}
	}
}

var errTest = errors.New("test read error")
