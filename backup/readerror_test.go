package backup

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// failingFrom reads b; once armed, a read of anything past off fails as
// on a drive pulled out, or, with to set, a read of anything from off to
// to, as a bad sector would.
type failingFrom struct {
	b     []byte
	off   int64
	to    int64 // 0: the end of b
	armed *atomic.Bool
}

func (f failingFrom) ReadAt(p []byte, off int64) (int, error) {
	if f.armed.Load() && off+int64(len(p)) > f.off && (f.to == 0 || off < f.to) {
		return 0, &fs.PathError{Op: "read", Path: "/media/stick/backup", Err: syscall.EIO}
	}
	return bytes.NewReader(f.b).ReadAt(p, off)
}

// TestReadErrorIsNotDamage: a backup whose medium stops answering (its
// drive pulled out) while it is checked or restored fails with a
// *ReadError carrying the system's error, never with ErrBadChecksum,
// ErrNotBackup or ErrBadLength: nothing says the backup is damaged. A
// restore leaves nothing behind.
func TestReadErrorIsNotDamage(t *testing.T) {
	t.Parallel()
	b := sealInnerFast(t, manySmallFiles(t, 40, 4096), 16<<10)
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	dataOff, err := a.data.DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	blob := sealBlobFast(t, manySmallFiles(t, 10, 4096))
	for _, at := range []struct {
		name string
		b    []byte
		off  int64
		// open: the reads fail already as it is opened.
		open bool
	}{
		{"as it is opened", b, 0, true},
		{"once opened", b, 0, false},
		{"mid data.bin", b, dataOff + int64(len(b))/3, false},
		{"a v2 blob, as it is opened", blob, 0, true},
		{"a v2 blob, midway", blob, int64(len(blob)) / 2, false},
	} {
		t.Run(at.name, func(t *testing.T) {
			t.Parallel()
			wantReadError := func(what string, err error) {
				t.Helper()
				var re *ReadError
				switch {
				case err == nil:
					t.Errorf("%s: no error reading a backup that cannot be read", what)
				case !errors.As(err, &re) || !errors.Is(err, syscall.EIO):
					t.Errorf("%s: %v, want a *ReadError wrapping EIO", what, err)
				case errors.Is(err, ErrBadChecksum), errors.Is(err, ErrNotBackup), errors.Is(err, ErrBadLength):
					t.Errorf("%s: %v: a failed read reported as damage", what, err)
				case strings.Contains(err.Error(), "damaged") || strings.Count(err.Error(), "cannot read") != 1:
					t.Errorf("%s: %q: want one 'cannot read', no 'damaged'", what, err)
				}
			}
			r := failingFrom{b: at.b, off: at.off, armed: new(atomic.Bool)}
			r.armed.Store(at.open)
			a, err := Open(r, int64(len(at.b)))
			if at.open {
				wantReadError("Open", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r.armed.Store(true)
			wantReadError("CheckIntegrity", a.CheckIntegrity(t.Context()))
			wantReadError("verify", a.verify(t.Context(), testKeys, RestoreOptions{}))
			target := filepath.Join(t.TempDir(), "out")
			_, err = a.restore(t.Context(), testKeys, target, RestoreOptions{})
			wantReadError("restore", err)
			assertAbsent(t, target)
		})
	}
}

// TestCheckIntegrityReadFailsMidChunk: a read that fails inside a chunk,
// which CheckIntegrity checks while it is read, fails the check with the
// read's error, naming that chunk once, wherever in the chunk it fails.
func TestCheckIntegrityReadFailsMidChunk(t *testing.T) {
	t.Parallel()
	b := sealInnerFast(t, manySmallFiles(t, 400, 4096), 256<<10)
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	dataOff, err := a.data.DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	const cannot = "reading data.bin: cannot read the backup (was its drive unplugged?): read /media/stick/backup: input/output error"
	c2 := dataOff + a.chunks[2].encOff
	for _, tt := range []struct {
		off  int64
		want string
	}{
		{dataOff, "chunk 0: " + cannot},
		{dataOff + 5, "chunk 0: " + cannot},
		{dataOff + a.chunks[0].encLen - 1, "chunk 0: " + cannot},
		{c2, "chunk 2: " + cannot},
		{c2 + readPiece + 100, "chunk 2: " + cannot},
		{dataOff + a.chunks[6].encOff + a.chunks[6].encLen - 1, "chunk 6: " + cannot},
	} {
		r := failingFrom{b: b, off: tt.off, to: tt.off + 1, armed: new(atomic.Bool)}
		a, err := Open(r, int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		r.armed.Store(true)
		if err := a.CheckIntegrity(t.Context()); err == nil || err.Error() != tt.want {
			t.Errorf("a read failing at byte %d: %v, want %q", tt.off, err, tt.want)
		}
	}
}
