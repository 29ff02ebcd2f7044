package blake2b

import (
	"sync"
	"testing"

	xblake2b "golang.org/x/crypto/blake2b"

	"github.com/cakebackup/cakebackup/internal/process"
)

// meterCPU sets the benchmark's bytes per op and returns the function
// that, deferred, reports besides the wall-clock MB/s the CPU time:
// cpu-MB/s is those bytes per second of the process's CPU time, over all
// threads, the measure where the point is to leave a core free for
// other work.
func meterCPU(b *testing.B, bytes int64) func() {
	b.SetBytes(bytes)
	b.ReportAllocs()
	start := process.CPUTime()
	return func() {
		cpu := process.CPUTime() - start
		if cpu > 0 && b.N > 0 {
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(bytes)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
		}
	}
}

// BenchmarkTwo hashes two different 1 MiB messages, each into its own
// hash: through the kernel (WriteTwo), with this package's Go code one
// after the other, and with x/crypto's (its AVX2 assembly on amd64) one
// after the other. The bytes/s are of both messages.
func BenchmarkTwo(b *testing.B) {
	const size = 1 << 20
	p, q := data(size, 20), data(size, 21)
	ours := func() (func(), func()) {
		x, y := mustNew512(b), mustNew512(b)
		return func() { WriteTwo(x, p, y, q) }, func() { x.Write(p); y.Write(q) }
	}
	pair, plain := ours()
	x, _ := xblake2b.New512(nil)
	y, _ := xblake2b.New512(nil)
	for _, bench := range []struct {
		name string
		run  func()
		skip bool
	}{
		{"kernel", pair, !hasKernel()},
		{"internal-twice", plain, false},
		{"x-crypto-twice", func() { x.Write(p); y.Write(q) }, false},
	} {
		b.Run(bench.name, func(b *testing.B) {
			if bench.skip {
				b.Skip("no kernel here")
			}
			defer meterCPU(b, 2*size)()
			for b.Loop() {
				bench.run()
			}
		})
	}
}

// BenchmarkHasher hashes two 24 MiB buffers (a backup chunk's size),
// each after a blob's 79-byte prefix, from two goroutines at once: with
// a Hasher, which pairs them on one core, and, for the baseline, each
// goroutine with this package's Go code or x/crypto's. The bytes/s are
// of both buffers.
func BenchmarkHasher(b *testing.B) {
	const size = 24 << 20
	p, q := data(size, 22), data(size, 23)
	prefix := data(79, 24)
	h := NewHasher()
	defer h.Close()
	xSum := func(p []byte) {
		d, _ := xblake2b.New512(nil)
		d.Write(prefix)
		d.Write(p)
		d.Sum(nil)
	}
	ourSum := func(p []byte) {
		d := mustNew512(b)
		d.Write(prefix)
		d.Write(p)
		d.Sum(nil)
	}
	for _, bench := range []struct {
		name string
		sum  func(p []byte)
	}{
		{"hasher", func(p []byte) { h.Sum512(prefix, p) }},
		{"internal-concurrent", ourSum},
		{"x-crypto-concurrent", xSum},
	} {
		b.Run(bench.name, func(b *testing.B) {
			defer meterCPU(b, 2*size)()
			for b.Loop() {
				var wg sync.WaitGroup
				wg.Go(func() { bench.sum(p) })
				wg.Go(func() { bench.sum(q) })
				wg.Wait()
			}
		})
	}
}
