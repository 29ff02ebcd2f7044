package sha512pair

import (
	"crypto/sha512"
	"testing"
)

// benchSize is the size of one write in the benchmarks.
const benchSize = 1 << 20

// meterCPU sets the benchmark's bytes per op and returns the function
// that, deferred, reports besides the wall-clock MB/s the CPU time:
// cpu-MB/s is those bytes per second of the process's CPU time, over all
// threads, the measure where the point is to leave a core free for
// other work.
func meterCPU(b *testing.B, bytes int64) func() {
	b.SetBytes(bytes)
	b.ReportAllocs()
	start, ok := processCPU()
	return func() {
		end, _ := processCPU()
		if ok && end > start && b.N > 0 {
			cpu := end - start
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(bytes)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
		}
	}
}

// BenchmarkWrite measures Write over 1 MiB: the bytes/s are of input,
// each byte going into both hashes.
func BenchmarkWrite(b *testing.B) {
	p := make([]byte, benchSize)
	x, y := sha512.New(), sha512.New()
	defer meterCPU(b, benchSize)()
	for b.Loop() {
		Write(x, y, p)
	}
}

// BenchmarkWriteTwo measures WriteTwo over two buffers of 1 MiB: the
// bytes/s are of one buffer, each going into its hash.
func BenchmarkWriteTwo(b *testing.B) {
	p, q := make([]byte, benchSize), make([]byte, benchSize)
	x, y := sha512.New(), sha512.New()
	defer meterCPU(b, benchSize)()
	for b.Loop() {
		WriteTwo(x, p, y, q)
	}
}

// BenchmarkTwoWrites is the baseline of Write and WriteTwo: one hash's
// write, then the other's.
func BenchmarkTwoWrites(b *testing.B) {
	p, q := make([]byte, benchSize), make([]byte, benchSize)
	x, y := sha512.New(), sha512.New()
	defer meterCPU(b, benchSize)()
	for b.Loop() {
		x.Write(p)
		y.Write(q)
	}
}
