package sha512pair

import (
	"crypto/sha512"
	"testing"
)

// benchSize is the size of one write in the benchmarks.
const benchSize = 1 << 20

// BenchmarkWrite measures Write over 1 MiB: the bytes/s are of input,
// each byte going into both hashes.
func BenchmarkWrite(b *testing.B) {
	p := make([]byte, benchSize)
	x, y := sha512.New(), sha512.New()
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		Write(x, y, p)
	}
}

// BenchmarkTwoWrites is Write's baseline: one hash's write, then the
// other's.
func BenchmarkTwoWrites(b *testing.B) {
	p := make([]byte, benchSize)
	x, y := sha512.New(), sha512.New()
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		x.Write(p)
		y.Write(p)
	}
}
