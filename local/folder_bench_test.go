package local

import (
	"context"
	"io"
	"testing"
)

// BenchmarkFolderBackup measures writing, flushing, reading back and
// publishing a 16 MiB backup in 64 KiB writes.
func BenchmarkFolderBackup(b *testing.B) {
	const size, piece = 16 << 20, 64 << 10
	f, err := NewFolder(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	buf := make([]byte, piece)
	readBack := func(ctx context.Context, r io.ReaderAt, n int64) error {
		_, err := io.Copy(io.Discard, io.NewSectionReader(r, 0, n))
		return err
	}
	b.SetBytes(size)
	for b.Loop() {
		p, err := f.Create(ctx, "bench", size)
		if err != nil {
			b.Fatal(err)
		}
		for written := 0; written < size; written += piece {
			if _, err := p.Write(buf); err != nil {
				b.Fatal(err)
			}
		}
		e, err := p.Commit(ctx, readBack)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := f.Delete(ctx, e.Name); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// TestWriteDoesNotAllocate shows memory does not grow with the backup's
// size: the bytes go straight to the file.
func TestWriteDoesNotAllocate(t *testing.T) {
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := f.Create(ctx, "stream", -1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort(ctx)
	buf := make([]byte, 64<<10)
	if allocs := testing.AllocsPerRun(100, func() {
		if _, err := p.Write(buf); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Fatalf("each 64 KiB Write allocates %v times", allocs)
	}
}
