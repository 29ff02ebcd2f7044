package local

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestSettledAsWritten: a backup written directly is read back from the
// medium as it is written (settler), and Commit tells its check so
// (destinations.ReadBack). When the medium changes a block before it is
// read back, or a block already read back before the last write was
// flushed (as a fake-capacity stick storing a later part over an earlier
// one does), Commit fails with destinations.ErrReadBackDiffers, its
// check does not run and nothing is left.
func TestSettledAsWritten(t *testing.T) {
	data := wallettest.RandomBytes(t, directMin+12345)
	tests := []struct {
		name string
		// before is the block whose read-back first changes the medium's
		// byte at; -1: none.
		before, at int64
		errWant    string // "": published
	}{
		{name: "as written", before: -1},
		{name: "a block reads back changed", before: 3 * settleBlock, at: 3*settleBlock + 100, errWant: "the stored copy differs from what was written: the 4194304 bytes at 12582912"},
		{name: "the unaligned end reads back changed", before: 16 * settleBlock, at: directMin + 12344, errWant: "the stored copy differs from what was written: the 12345 bytes at 67108864"},
		{name: "a block read back changes later", before: 5 * settleBlock, at: settleBlock + 7, errWant: "the stored copy differs from what was written: the bytes at 4194304 changed after they were read back"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir, d, pf := createBig(t, len(data))
			p := destinations.Pending(pf)
			if pf.settle == nil {
				t.Skip("the test's file system is not written and read directly")
			}
			pf.settle.beforeRead = func(off int64) {
				if off == tt.before {
					changeByte(t, filepath.Join(dir, pf.tmpName), tt.at)
				}
			}
			if err := writeAll(p, data, nil); err != nil {
				t.Fatal(err)
			}
			checked, readBack := false, false
			e, err := p.Commit(ctx, func(ctx context.Context, r io.ReaderAt, size int64) error {
				rb, ok := r.(destinations.ReadBack)
				checked, readBack = true, ok && rb.ReadBack()
				return destinationtest.SameBytes(data)(ctx, r, size)
			})
			if tt.errWant != "" {
				want := "checking backup big in " + dir + ": " + tt.errWant
				if !errors.Is(err, destinations.ErrReadBackDiffers) || err.Error() != want {
					t.Fatalf("Commit = %v, want %q", err, want)
				}
				if checked {
					t.Fatal("the check ran on a copy that read back changed")
				}
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Fatalf("left behind: %v", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !readBack {
				t.Fatal("the check was not told the copy was read back")
			}
			if got := destinationtest.ReadAll(t, d, e.Name); !bytes.Equal(got, data) {
				t.Fatalf("published %d bytes, not the %d written", len(got), len(data))
			}
		})
	}
}

// createBig starts a backup "big" of size bytes in a new folder, aborted
// when the test ends, and returns the folder's path, the folder and the
// backup.
func createBig(t *testing.T, size int) (string, destinations.Destination, *pendingFile) {
	t.Helper()
	dir := t.TempDir()
	d, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Create(context.Background(), "big", int64(size))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Abort(context.Background()) })
	return dir, d, p.(*pendingFile)
}

// changeByte flips the byte at off of the file at path and flushes it
// to the medium, as a medium changing it would.
func changeByte(t *testing.T, path string, off int64) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Error(err)
		return
	}
	b[0] ^= 0x01
	if _, err := f.WriteAt(b, off); err != nil {
		t.Error(err)
	}
	if err := f.Sync(); err != nil {
		t.Error(err)
	}
}
