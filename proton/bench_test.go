package proton

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// benchSize is the backup size of the upload benchmarks.
const benchSize = 256 << 20

// patternReader yields n bytes of a fixed random 1 MiB pattern, so both
// benchmarks send the same bytes without holding 256 MiB in memory.
type patternReader struct {
	pattern []byte
	left    int64
	off     int
}

func newPatternReader(pattern []byte, n int64) *patternReader {
	return &patternReader{pattern: pattern, left: n}
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n := copy(b, p.pattern[p.off:])
	p.off = (p.off + n) % len(p.pattern)
	p.left -= int64(n)
	return n, nil
}

// BenchmarkUpload256MiB streams a 256 MiB backup through the Destination.
// "stream" stops when the bridge has committed the revision (the cost of
// the pipe and hashing on top of the bridge's upload); "commit" is the
// whole Commit: the upload, the verifying download, and the rename, which
// the bridge follows with a fixed 5 s pause.
//
// "stream-8-blocks" is "stream" with all 8 blocks of the bridge's batch
// in flight, as before the upload had a memory budget
// (DefaultMemoryBudget sends one at a time): the two compare the
// throughput the budget costs.
func BenchmarkUpload256MiB(b *testing.B) {
	f := newFakeProton(b)
	pattern := wallettest.RandomBytes(b, 1<<20)
	var n atomic.Int64
	for _, mode := range []string{"stream", "stream-8-blocks", "commit"} {
		b.Run(mode, func(b *testing.B) {
			f.opts.MemoryBudget = 0
			if mode == "stream-8-blocks" {
				f.opts.MemoryBudget = 1 << 30
			}
			dest := f.newDest(b)
			ctx := context.Background()
			b.SetBytes(benchSize)
			b.ResetTimer()
			for range b.N {
				name := fmt.Sprintf("bench-%d", n.Add(1))
				p, err := dest.Create(ctx, name, benchSize)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(p, newPatternReader(pattern, benchSize)); err != nil {
					b.Fatal(err)
				}
				if mode != "commit" {
					u := p.(*upload)
					u.finished = true
					u.pw.Close()
					<-u.done
					if u.err != nil {
						b.Fatal(u.err)
					}
					b.StopTimer()
					if err := u.cleanup(ctx); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					continue
				}
				if _, err := p.Commit(ctx, nil); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				// Deleted for good, so the fake frees the blocks.
				link, err := dest.findBackup(ctx, name)
				if err != nil {
					b.Fatal(err)
				}
				if err := dest.drive.deleteForever(ctx, dest.folderID, link.LinkID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkBridgeUploadFileByReader256MiB is the bridge's own upload of
// the same bytes, the baseline for BenchmarkUpload256MiB/stream.
func BenchmarkBridgeUploadFileByReader256MiB(b *testing.B) {
	f := newFakeProton(b)
	pattern := wallettest.RandomBytes(b, 1<<20)
	dest := f.newDest(b)
	ctx := context.Background()
	folderID, err := dest.folder(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := range b.N {
		linkID, _, err := dest.drive.bridge.UploadFileByReader(ctx, folderID, fmt.Sprintf("bridge-%d", i), time.Now(), newPatternReader(pattern, benchSize), 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := dest.drive.deleteForever(ctx, folderID, linkID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkUploadPeakHeap streams backups of growing size and reports the
// peak heap in use: it must stay flat, as the upload holds only the
// bridge's blocks in flight. The fake keeps blocks on disk, since it runs
// in this process.
func BenchmarkUploadPeakHeap(b *testing.B) {
	f := newFakeProtonWith(b, protontest.WithOptions(protontest.Options{DataDir: b.TempDir()}))
	pattern := wallettest.RandomBytes(b, 1<<20)
	for _, size := range []int64{64 << 20, 512 << 20} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			dest := f.newDest(b)
			ctx := context.Background()
			var peak uint64
			for range b.N {
				runtime.GC()
				stop := make(chan struct{})
				sampled := make(chan uint64)
				go func() {
					var ms runtime.MemStats
					var top uint64
					for {
						runtime.ReadMemStats(&ms)
						top = max(top, ms.HeapInuse)
						select {
						case <-stop:
							sampled <- top
							return
						case <-time.After(20 * time.Millisecond):
						}
					}
				}()
				p, err := dest.Create(ctx, "heap", size)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(p, newPatternReader(pattern, size)); err != nil {
					b.Fatal(err)
				}
				u := p.(*upload)
				u.finished = true
				u.pw.Close()
				<-u.done
				close(stop)
				peak = max(peak, <-sampled)
				if u.err != nil {
					b.Fatal(u.err)
				}
				if err := u.cleanup(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
