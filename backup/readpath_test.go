package backup

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// TestVerifyAndRestoreAgree flips one byte at many places of a backup and
// checks that Verify and Restore give the same verdict, word for word:
// they share one reading path, so a backup that verifies restores and one
// that does not restore fails to verify.
func TestVerifyAndRestoreAgree(t *testing.T) {
	t.Parallel()
	orig := smallBackup(t)
	for off := 0; off < len(orig); off += 97 {
		b := bytes.Clone(orig)
		b[off] ^= 0x10
		a, err := openBytes(b)
		if err != nil {
			continue // Open refused it; neither reader runs
		}
		// Both with the shared keys smallBackup seals with: Verify is
		// verify with keys derived from its password, and deriving them
		// for each of the ~40 damaged copies was most of this test's time.
		verr := a.verify(t.Context(), testKeys, RestoreOptions{})
		target := filepath.Join(t.TempDir(), "out")
		_, rerr := a.restore(t.Context(), testKeys, target, RestoreOptions{})
		if (verr == nil) != (rerr == nil) || (verr != nil && verr.Error() != rerr.Error()) {
			t.Errorf("byte %d flipped: Verify says %v, Restore says %v", off, verr, rerr)
		}
		if rerr != nil {
			assertAbsent(t, target)
		}
	}
}

// TestDamagedDataBinNamed damages data.bin without fixing its CRC-32, as
// a flipped bit in transit does: without the password the chunk is
// named; with it, Verify and Restore name the damaged container entry, as
// Verify did when it checked the container before anything else.
func TestDamagedDataBinNamed(t *testing.T) {
	t.Parallel()
	orig := smallBackup(t)
	a, err := openBytes(orig)
	if err != nil {
		t.Fatal(err)
	}
	off, err := a.data.DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.Clone(orig)
	c1 := a.chunks[1]
	b[off+c1.encOff+c1.encLen/2] ^= 0x01
	if a, err = openBytes(b); err != nil {
		t.Fatal(err)
	}
	checkErrKind(t, "CheckIntegrity", a.CheckIntegrity(t.Context()), ErrBadChecksum, 1)
	// With the shared keys smallBackup seals with.
	checkOuterDamage(t, "Verify", a.verify(t.Context(), testKeys, RestoreOptions{}), "data.bin")
	target := filepath.Join(t.TempDir(), "out")
	_, err = a.restore(t.Context(), testKeys, target, RestoreOptions{})
	checkOuterDamage(t, "Restore", err, "data.bin")
	assertAbsent(t, target)
	// A wrong password is still reported as such, without reading the
	// whole file again.
	if err := a.Verify(t.Context(), "not the password"); !errors.Is(err, ErrDecrypt) || strings.Contains(err.Error(), "chunk") {
		t.Errorf("wrong password: %v", err)
	}
}

// cancellingReaderAt cancels a context once n bytes were read through it.
type cancellingReaderAt struct {
	r      io.ReaderAt
	n      atomic.Int64
	limit  int64
	cancel context.CancelFunc
}

func (c *cancellingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if c.n.Add(int64(len(p))) > c.limit {
		c.cancel()
	}
	return c.r.ReadAt(p, off)
}

// TestReadCancelMidway cancels Verify, Restore and CheckIntegrity while
// chunks are being decrypted ahead of the reader: each stops with the
// context's error, leaves no goroutine behind and Restore no folder.
func TestReadCancelMidway(t *testing.T) {
	// Not parallel: it counts the process's goroutines.
	orig := sealInnerFast(t, manySmallFiles(t, 300, 200), 4096)
	before := runtime.NumGoroutine()
	for name, run := range map[string]func(context.Context, *Archive, string) error{
		"Verify": func(ctx context.Context, a *Archive, _ string) error {
			return a.verify(ctx, testKeys, RestoreOptions{})
		},
		"Restore": func(ctx context.Context, a *Archive, target string) error {
			_, err := a.restore(ctx, testKeys, target, RestoreOptions{})
			return err
		},
		"CheckIntegrity": func(ctx context.Context, a *Archive, _ string) error { return a.CheckIntegrity(ctx) },
	} {
		ctx, cancel := context.WithCancel(t.Context())
		r := &cancellingReaderAt{r: bytes.NewReader(orig), limit: int64(len(orig)) / 2, cancel: cancel}
		a, err := Open(r, int64(len(orig)))
		if err != nil {
			t.Fatal(err)
		}
		r.n.Store(0)
		target := filepath.Join(t.TempDir(), "out")
		if err := run(ctx, a, target); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", name, err)
		}
		cancel()
		assertAbsent(t, target)
		waitGoroutines(t, before)
	}
}

// TestReadPieces checks that reading a chunk in pieces fills it exactly
// and tells an early end apart from no data at all, as io.ReadFull does.
func TestReadPieces(t *testing.T) {
	t.Parallel()
	data := make([]byte, 3*readPiece+5)
	for i := range data {
		data[i] = byte(i * 7)
	}
	tests := []struct {
		name    string
		avail   int // bytes the reader has
		want    int // bytes asked for
		wantErr error
	}{
		{"exact", len(data), len(data), nil},
		{"more than asked", len(data), 2 * readPiece, nil},
		{"short inside a piece", readPiece + 10, 2 * readPiece, io.ErrUnexpectedEOF},
		{"short at a piece's end", readPiece, 2 * readPiece, io.ErrUnexpectedEOF},
		{"nothing", 0, readPiece, io.EOF},
		{"nothing asked", 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, tt.want)
			// OneByteReader makes every piece take many reads.
			err := readPieces(iotest.OneByteReader(bytes.NewReader(data[:tt.avail])), buf, nil)
			if err != tt.wantErr {
				t.Fatalf("readPieces: %v, want %v", err, tt.wantErr)
			}
			if n := min(tt.avail, tt.want); !bytes.Equal(buf[:n], data[:n]) {
				t.Fatal("the bytes read differ from the reader's")
			}
		})
	}
}
