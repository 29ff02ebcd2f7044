package sha512pair

import (
	"crypto/sha512"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestHasherConcurrent has many goroutines hash buffers of random sizes,
// from empty to several MiB, at once, and checks every sum against
// crypto/sha512.Sum512: with the Hasher as made, and with its workers
// taking every size.
func TestHasherConcurrent(t *testing.T) {
	for _, all := range []bool{false, true} {
		t.Run(fmt.Sprintf("all sizes queued %v", all), func(t *testing.T) {
			h := NewHasher()
			defer h.Close()
			if all {
				h.minQueued = 0
			}
			testHasherConcurrent(t, h)
		})
	}
}

func testHasherConcurrent(t *testing.T, h *Hasher) {
	const mib = 1 << 20
	sizes := []int{0, 1, 127, 128, 129, 1000, 4096, mib - 1, mib, mib + 133, 2*mib + 128, 3*mib + 77, 5 * mib}
	src := data(5*mib+64, 30)
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(31, uint64(g)))
			for range 6 {
				n := sizes[r.IntN(len(sizes))]
				if r.IntN(3) == 0 {
					n = r.IntN(3 * mib)
				}
				off := r.IntN(len(src) - n + 1)
				p := src[off : off+n]
				if got, want := h.Sum512(p), sha512.Sum512(p); got != want {
					t.Errorf("goroutine %d: sum of %d bytes at %d differs from crypto/sha512's", g, n, off)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d bytes hashed paired", h.paired.Load())
}

// TestHasherPairs checks that two callers hashing at once are paired
// where the kernel runs (so that the concurrent test above tests
// WriteTwo's path), with the sums right.
func TestHasherPairs(t *testing.T) {
	if !hasKernel() {
		t.Skip("no kernel here: Sum512 hashes on the caller")
	}
	p, q := data(8<<20, 32), data(6<<20+5, 33)
	h := NewHasher()
	defer h.Close()
	// A caller may come too late for the other's buffer; five tries
	// of 8 MiB, each taking milliseconds a MiB, do not all miss.
	for try := 0; try < 5 && h.paired.Load() == 0; try++ {
		var wg sync.WaitGroup
		var sp, sq [64]byte
		wg.Go(func() { sp = h.Sum512(p) })
		wg.Go(func() { sq = h.Sum512(q) })
		wg.Wait()
		if sp != sha512.Sum512(p) || sq != sha512.Sum512(q) {
			t.Fatal("sums differ from crypto/sha512's")
		}
	}
	if h.paired.Load() == 0 {
		t.Fatal("two concurrent callers were never hashed together")
	}
}

// TestHasherClose checks that Close ends the workers, may be repeated,
// and that Sum512 after it hashes on the caller, as on a zero Hasher.
func TestHasherClose(t *testing.T) {
	before := runtime.NumGoroutine()
	h := NewHasher()
	p := data(3<<20+7, 34)
	want := sha512.Sum512(p)
	if h.Sum512(p) != want {
		t.Fatal("sum differs from crypto/sha512's")
	}
	h.Close()
	h.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before NewHasher", n, before)
	}
	if h.Sum512(p) != want {
		t.Error("after Close: sum differs from crypto/sha512's")
	}
	var zero Hasher
	if zero.Sum512(p) != want {
		t.Error("zero Hasher: sum differs from crypto/sha512's")
	}
}

// TestHasherCloseWhileHashing closes a Hasher while callers are hashing
// and more are coming: every call returns the right sum.
func TestHasherCloseWhileHashing(t *testing.T) {
	p := data(2<<20+3, 35)
	want := sha512.Sum512(p)
	h := NewHasher()
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * time.Millisecond)
			if h.Sum512(p) != want {
				t.Errorf("caller %d: sum differs from crypto/sha512's", i)
			}
		})
	}
	time.Sleep(2 * time.Millisecond)
	h.Close()
	wg.Wait()
}

// hasherSize is the size of each buffer in the Hasher benchmarks, a
// backup chunk's.
const hasherSize = chunkSize

// BenchmarkHasher hashes two 24 MiB buffers with a Hasher from two
// goroutines at once: the bytes/s are of both buffers.
func BenchmarkHasher(b *testing.B) {
	p, q := data(hasherSize, 40), data(hasherSize, 41)
	h := NewHasher()
	defer h.Close()
	defer meterCPU(b, 2*hasherSize)()
	for b.Loop() {
		var wg sync.WaitGroup
		wg.Go(func() { h.Sum512(p) })
		wg.Go(func() { h.Sum512(q) })
		wg.Wait()
	}
}

// BenchmarkSum512Concurrent is BenchmarkHasher's baseline: two
// goroutines each hash their buffer with crypto/sha512.Sum512.
func BenchmarkSum512Concurrent(b *testing.B) {
	p, q := data(hasherSize, 40), data(hasherSize, 41)
	defer meterCPU(b, 2*hasherSize)()
	for b.Loop() {
		var wg sync.WaitGroup
		wg.Go(func() { sha512.Sum512(p) })
		wg.Go(func() { sha512.Sum512(q) })
		wg.Wait()
	}
}
