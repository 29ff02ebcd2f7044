package backup

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/internal/directio"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestExtractLargeFiles extracts files on both sides of directMin, with
// direct writes allowed and refused (as on a file system without
// O_DIRECT), and checks each file's bytes and mode, and which were
// written directly.
func TestExtractLargeFiles(t *testing.T) {
	t.Parallel()
	sizes := []int{0, 5, directMin - 1, directMin + directPiece + 4097}
	var entries []zipEntry
	want := map[string][]byte{}
	for i, n := range sizes {
		e := zipEntry{name: "d/f" + string(rune('0'+i)), body: wallettest.RandomBytes(t, n)}
		entries = append(entries, e)
		want[e.name] = e.body
	}
	inner := innerZip(t, entries)
	r := bytes.NewReader(inner)
	zr, dir, err := readInnerZip(r, int64(len(inner)))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planZip(r, zr, dir, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		refuse     bool
		wantDirect int // files written directly, on Linux
	}{
		{name: "direct", wantDirect: 1},
		{name: "refused", refuse: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var direct []*directio.Writer
			root := filepath.Join(t.TempDir(), "root")
			if err := os.Mkdir(root, 0o700); err != nil {
				t.Fatal(err)
			}
			x := &extractor{root: root, direct: func(f *os.File, size int) *directio.Writer {
				if tt.refuse {
					return nil
				}
				w := directio.NewWriter(f, size)
				if w != nil {
					direct = append(direct, w)
				}
				return w
			}}
			for _, e := range plan.entries {
				if err := x.extract(e); err != nil {
					t.Fatal(err)
				}
			}
			got := readTree(t, root) // checks the modes too
			if len(got) != len(want) {
				t.Errorf("restored %d files, want %d", len(got), len(want))
			}
			for name, b := range want {
				if !bytes.Equal(got[name], b) {
					t.Errorf("%s holds %d other bytes, want %d", name, len(got[name]), len(b))
				}
			}
			if runtime.GOOS == "linux" && len(direct) != tt.wantDirect {
				t.Errorf("%d files written directly, want %d", len(direct), tt.wantDirect)
			}
			for _, w := range direct {
				if !w.Direct() {
					t.Error("a direct write was refused")
				}
			}
		})
	}
}

// counting reads left bytes, each its offset's low byte, then fails
// with end.
type counting struct {
	off, left int
	end       error
}

var errTooFar = errors.New("read past the limit")

func (r *counting) Read(b []byte) (int, error) {
	if r.left <= 0 {
		return 0, r.end
	}
	n := min(len(b), r.left)
	for i := range b[:n] {
		b[i] = byte(r.off + i)
	}
	r.off += n
	r.left -= n
	return n, nil
}

// failingReader reads n zeros, then fails.
type failingReader struct{ n int }

var errRead = errors.New("read failed")

func (r *failingReader) Read(b []byte) (int, error) {
	if r.n == 0 {
		return 0, errRead
	}
	n := min(len(b), r.n)
	clear(b[:n])
	r.n -= n
	return n, nil
}

// TestCopyDirect: copyDirect writes what it reads, past a flush and with
// an unaligned end; it returns a failure to read as it is, and a failure
// to write without reading on to the end.
func TestCopyDirect(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("direct writes are Linux's")
	}
	t.Parallel()
	const limit = 64 << 20
	tests := []struct {
		name     string
		readOnly bool // the file cannot be written: every write fails
		r        io.Reader
		want     error
		size     int // the file's size after a copy that succeeds
	}{
		{name: "copies", r: &counting{left: directFlushStep + directPiece + 7, end: io.EOF}, size: directFlushStep + directPiece + 7},
		{name: "read fails", r: &failingReader{n: 3*directPiece + 5}, want: errRead},
		// A write to a file open for reading fails with EBADF; reading
		// on to the end would fail with errTooFar.
		{name: "write fails", readOnly: true, r: &counting{left: limit, end: errTooFar}, want: syscall.EBADF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			flag := os.O_WRONLY
			if tt.readOnly {
				flag = os.O_RDONLY
			}
			f, err := os.OpenFile(path, flag, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			w := directio.NewWriter(f, directGather)
			if w == nil {
				t.Skip("the test's folder cannot be written directly")
			}
			err = copyDirect(f, w, tt.r, directio.Blocks(directPiece, directPieces))
			if !errors.Is(err, tt.want) {
				t.Fatalf("copyDirect = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				return
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.size {
				t.Fatalf("the file holds %d bytes, want %d", len(got), tt.size)
			}
			for i, c := range got {
				if c != byte(i) {
					t.Fatalf("byte %d is %d, want %d", i, c, byte(i))
				}
			}
		})
	}
}
