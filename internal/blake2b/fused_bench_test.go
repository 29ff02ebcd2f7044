package blake2b

import (
	"crypto/sha512"
	"testing"

	"github.com/cakebackup/cakebackup/internal/process"
	"github.com/cakebackup/cakebackup/internal/sha512pair"
)

// chunkBytes is a 24 MiB chunk's blob: its header and ciphertext.
const chunkBytes = 24<<20 + 121 + 16

// meterChunks reports the process's CPU time per chunk hashed, chunks
// chunks an op.
func meterChunks(b *testing.B, chunks int) func() {
	b.SetBytes(int64(chunks * chunkBytes))
	start := process.CPUTime()
	return func() {
		if cpu := process.CPUTime() - start; b.N > 0 {
			b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N*chunks), "cpu-ms/chunk")
		}
	}
}

// BenchmarkChunkChecksums takes a chunk's SHA-512 (over the blob) and
// BLAKE2b-512 (over a 40-byte prefix and the blob after its header):
// fused, with the fused kernel; fused-arriving, the same through
// FusedSums given the blob 1 MiB at a time; separate, crypto/sha512 then this
// package's Go code; pairs, each through its two-message kernel with a
// second chunk (WriteTwo), the CPU time split between the two chunks.
func BenchmarkChunkChecksums(b *testing.B) {
	blob, blob2 := data(chunkBytes, 30), data(chunkBytes, 31)
	prefix := data(40, 32)
	b.Run("fused", func(b *testing.B) {
		defer meterChunks(b, 1)()
		for range b.N {
			SHA512AndSum512(blob, prefix, blob[121:])
		}
	})
	b.Run("fused-arriving", func(b *testing.B) { // as a chunk checked while it is read, 1 MiB at a time
		defer meterChunks(b, 1)()
		for range b.N {
			f := NewFusedSums(blob, prefix, blob[121:])
			for have := 0; have < len(blob); {
				have = min(len(blob), have+1<<20)
				f.Advance(have, max(have-121, 0))
			}
			f.Sums()
		}
	})
	b.Run("separate", func(b *testing.B) {
		defer meterChunks(b, 1)()
		for range b.N {
			sha512.Sum512(blob)
			d := mustNew512(b)
			d.Write(prefix)
			d.Write(blob[121:])
			d.Sum(nil)
		}
	})
	b.Run("pairs", func(b *testing.B) {
		defer meterChunks(b, 2)()
		for range b.N {
			s1, s2 := sha512.New(), sha512.New()
			sha512pair.WriteTwo(s1, blob, s2, blob2)
			s1.Sum(nil)
			s2.Sum(nil)
			d1, d2 := mustNew512(b), mustNew512(b)
			d1.Write(prefix)
			d2.Write(prefix)
			WriteTwo(d1, blob[121:], d2, blob2[121:])
			d1.Sum(nil)
			d2.Sum(nil)
		}
	})
}
