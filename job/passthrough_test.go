package job

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

const testPassword = "a test password"

// threeChunks is a backup of 50 MiB of random data: three chunks of the
// app's 24 MiB, so the check reads ahead on several goroutines.
var threeChunks = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "passthrough")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	wallet := filepath.Join(dir, "wallets", "monero", "big")
	if err := os.MkdirAll(wallet, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(wallet, "big.keys"), wallettest.Random(50<<20), 0o600); err != nil {
		return nil, err
	}
	src, err := backup.Collect(context.Background(), dir, "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(int(backup.EstimateSize(src))) // no copying as it grows
	if _, err := backup.Write(context.Background(), &buf, src, backup.WriteOptions{Password: testPassword}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
})

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestCheckAndStreamReadsOnce: the check and the stream share one read of
// the file, and what is streamed is the file, byte for byte. Streaming
// adds to the check's own reads only the container's tail (metadata.json,
// README.txt, the directory), which the check reads first and the stream
// again when it gets there. The password-free check reads the file once;
// Verify reads data.bin twice itself (once for the container's CRC-32,
// once to decrypt) and the last chunk, which holds the inner directory,
// once more.
func TestCheckAndStreamReadsOnce(t *testing.T) {
	file, err := threeChunks()
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(file))
	want := sha512.Sum512(file)
	const tail = 64 << 10
	for _, c := range []struct {
		name, password string
		most           int64 // the most the check alone may read
	}{
		{"integrity", "", size + tail},
		{"password", testPassword, 2*size + 25<<20},
	} {
		t.Run(c.name, func(t *testing.T) {
			alone := &countingReader{r: bytes.NewReader(file)}
			a, err := backup.Open(alone, size)
			if err != nil {
				t.Fatal(err)
			}
			if c.password != "" {
				err = a.Verify(t.Context(), c.password)
			} else {
				err = a.CheckIntegrity(t.Context())
			}
			if err != nil {
				t.Fatal(err)
			}
			if alone.n.Load() > c.most {
				t.Errorf("the check alone read %d bytes of %d", alone.n.Load(), size)
			}

			r := &countingReader{r: bytes.NewReader(file)}
			var got bytes.Buffer
			got.Grow(len(file))
			fan := &fanOut{stores: make(Stores, 1), digest: newStreamDigest(), keepGoing: true}
			fan.add(0, "test", "folder:/test", writerPending{&got})
			sent, err := checkAndStream(t.Context(), r, size, c.password, fan, true)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), file) {
				t.Fatalf("streamed %d bytes that are not the file's %d", got.Len(), size)
			}
			if sent.SHA512 != hex.EncodeToString(want[:]) || sent.Size != size || sent.Info.Chunks != 3 {
				t.Errorf("sent %+v", sent)
			}
			if n := r.n.Load(); n > alone.n.Load()+tail {
				t.Errorf("checking and streaming read %d bytes, the check alone %d", n, alone.n.Load())
			}
		})
	}
}

// writerPending is a Pending that writes to a writer, for tests.
type writerPending struct{ io.Writer }

func (writerPending) Commit(context.Context, destinations.Check) (destinations.Entry, error) {
	return destinations.Entry{}, nil
}

func (writerPending) Abort(context.Context) error { return nil }

// TestCheckAndStreamRefusesBytesThatChanged: bytes the check read ahead of
// the stream (the container's metadata) that are different when the
// stream reaches them are ErrChangedWhileSending, not sent as checked.
func TestCheckAndStreamRefusesBytesThatChanged(t *testing.T) {
	file, err := threeChunks()
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range []bool{true, false} {
		changing := &changingReader{b: bytes.Clone(file), at: int64(len(file)) - 30}
		fan := &fanOut{digest: newStreamDigest(), keepGoing: true}
		_, err = checkAndStream(t.Context(), changing, int64(len(file)), "", fan, sum)
		if !errors.Is(err, ErrChangedWhileSending) {
			t.Errorf("checkAndStream (SHA-512 taken: %t): %v, want ErrChangedWhileSending", sum, err)
		}
	}
}

// changingReader changes the byte at at once a read lands in the middle
// of the file, after the check read the container's tail: an app
// overwriting its export while it is sent.
type changingReader struct {
	mu      sync.Mutex
	b       []byte
	at      int64
	changed bool
}

func (c *changingReader) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if off > 1<<20 && off < c.at-1<<20 && !c.changed {
		c.b[c.at] ^= 0x01
		c.changed = true
	}
	return bytes.NewReader(c.b).ReadAt(p, off)
}

// TestPassThroughPassesReadsOnInOrder: however reads from several
// goroutines land, the sink gets the file in order, once.
func TestPassThroughPassesReadsOnInOrder(t *testing.T) {
	file := make([]byte, 3<<20+12345)
	rand.Read(file)
	for round := range 20 {
		var got bytes.Buffer
		pt := newPassThrough(bytes.NewReader(file), int64(len(file)), &got, func() {})
		var wg sync.WaitGroup
		piece := 256<<10 + round*1000
		if round%2 == 1 {
			piece = 1<<20 + round*100003 // reads larger than the read-ahead's blocks
		}
		for off := 0; off < len(file); off += piece {
			wg.Go(func() {
				b := make([]byte, min(piece, len(file)-off))
				if _, err := pt.ReadAt(b, int64(off)); err != nil && err != io.EOF {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if err := pt.finish(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), file) {
			t.Fatalf("round %d: the sink got %d bytes that are not the file's %d", round, got.Len(), len(file))
		}
	}
}

// TestUnchanged: a file whose size or modification time moved while it
// was sent is ErrChangedWhileSending, covering the bytes the check read
// twice.
func TestUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export")
	os.WriteFile(path, []byte("some bytes"), 0o600)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	if err := unchanged(f, fi); err != nil {
		t.Fatalf("untouched: %v", err)
	}
	os.Chtimes(path, fi.ModTime(), fi.ModTime().Add(time.Second))
	if err := unchanged(f, fi); !errors.Is(err, ErrChangedWhileSending) {
		t.Fatalf("touched: %v, want ErrChangedWhileSending", err)
	}
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	os.WriteFile(path, []byte("some bytes and more"), 0o600)
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	if err := unchanged(f, fi); !errors.Is(err, ErrChangedWhileSending) {
		t.Fatalf("grown: %v, want ErrChangedWhileSending", err)
	}
}

// TestPassThroughFrontReadFails: a read at the stream's front that fails
// part way returns the error and the bytes read before it, and the sink
// gets those bytes, in order, and nothing after them.
func TestPassThroughFrontReadFails(t *testing.T) {
	file := wallettest.RandomBytes(t, 5<<20)
	bad := errors.New("a medium error")
	r := &failingReader{b: file, at: 3<<20 + 17, err: bad}
	var got bytes.Buffer
	pt := newPassThrough(r, int64(len(file)), &got, func() {})
	b := make([]byte, 4<<20)
	n, err := pt.ReadAt(b, 0)
	if !errors.Is(err, bad) || n != int(r.at) || !bytes.Equal(b[:n], file[:n]) {
		t.Fatalf("ReadAt: %d bytes (the file's: %v), %v; want %d and the medium's error", n, bytes.Equal(b[:n], file[:n]), err, r.at)
	}
	if err := pt.sink.Flush(); err != nil { // the last few bytes are gathered
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), file[:n]) {
		t.Fatalf("the sink got %d bytes, want the %d read", got.Len(), n)
	}
}

// failingReader reads b but fails at offset at with err.
type failingReader struct {
	b   []byte
	at  int64
	err error
}

func (f *failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) <= f.at {
		return copy(p, f.b[off:]), nil
	}
	return copy(p, f.b[off:max(off, f.at)]), f.err
}

// directReader is a ReaderAt that says it reads directly, as a
// directio.ReaderAt of an uncached file does, and counts its reads.
type directReader struct {
	r     *bytes.Reader
	reads atomic.Int64
}

func (d *directReader) ReadAt(p []byte, off int64) (int, error) {
	d.reads.Add(1)
	return d.r.ReadAt(p, off)
}

func (d *directReader) Direct() bool { return true }

// TestPassThroughReadsAheadOfTheFront: from a file read directly, reads
// at the front come from the stream's own read-ahead, in blocks of a
// MiB, and the sink still gets the file in order, once, also when the
// check reads ahead of the front, skips a gap and leaves the tail to
// finish.
func TestPassThroughReadsAheadOfTheFront(t *testing.T) {
	file := wallettest.RandomBytes(t, 5<<20+123)
	r := &directReader{r: bytes.NewReader(file)}
	var got bytes.Buffer
	pt := newPassThrough(r, int64(len(file)), &got, func() {})
	defer pt.close()
	tail := make([]byte, 100)
	if _, err := pt.ReadAt(tail, int64(len(file)-200)); err != nil { // read ahead, as the directory is
		t.Fatal(err)
	}
	head := make([]byte, 30)
	if _, err := pt.ReadAt(head, 0); err != nil {
		t.Fatal(err)
	}
	const piece = 256 << 10
	for off := 100; off+piece <= len(file)-1000; off += piece { // a 70-byte gap after the head
		if _, err := pt.ReadAt(make([]byte, piece), int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	if err := pt.finish(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), file) {
		t.Fatalf("the sink got %d bytes that are not the file's %d", got.Len(), len(file))
	}
	if n := r.reads.Load(); n > int64(len(file)/aheadBlock+4) {
		t.Errorf("%d reads of the file: the front was not read ahead in blocks", n)
	}
}
