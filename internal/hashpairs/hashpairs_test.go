package hashpairs

import (
	"bytes"
	"crypto/sha512"
	"fmt"
	"hash"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// plainKernel hashes with crypto/sha512, WriteTwo as two plain writes,
// and records what the worker gives WriteTwo: the scheduling is tested
// on any machine, with real hashes.
type plainKernel struct {
	paired atomic.Int64
	mu     sync.Mutex
	bad    []string // broken promises of step
}

func (k *plainKernel) kernel() Kernel[hash.Hash] {
	return Kernel[hash.Hash]{
		Write: func(s hash.Hash, p []byte) { s.Write(p) },
		WriteTwo: func(a hash.Hash, pa []byte, b hash.Hash, pb []byte) {
			if len(pb)%sha512.BlockSize != 0 && len(pa) != len(pb) {
				k.mu.Lock()
				k.bad = append(k.bad, "b given a partial block while a goes on")
				k.mu.Unlock()
			}
			a.Write(pa)
			b.Write(pb)
		},
		BlockSize: sha512.BlockSize,
		Paired:    &k.paired,
	}
}

// TestConcurrent has many goroutines hash buffers of random sizes
// through one Scheduler at once: every sum is crypto/sha512's, and the
// worker paired some. With GOMAXPROCS 6 the Scheduler has three workers,
// which share the queue (an idle one leaves new buffers to one waiting
// for a partner).
func TestConcurrent(t *testing.T) {
	for _, procs := range []int{runtime.GOMAXPROCS(0), 6} {
		t.Run(fmt.Sprint("GOMAXPROCS ", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			testConcurrent(t)
		})
	}
}

func testConcurrent(t *testing.T) {
	var k plainKernel
	s := New(k.kernel())
	defer s.Close()
	src := wallettest.Random(3 << 20)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(3, uint64(g)))
			for range 6 {
				n := r.IntN(len(src) + 1)
				if r.IntN(3) == 0 {
					n = r.IntN(300)
				}
				p := src[len(src)-n:]
				h := sha512.New()
				if !s.Hash(h, p) {
					t.Error("an open Scheduler did not take a buffer")
					return
				}
				if want := sha512.Sum512(p); !bytes.Equal(h.Sum(nil), want[:]) {
					t.Errorf("goroutine %d: sum of %d bytes differs from crypto/sha512's", g, n)
				}
			}
		})
	}
	wg.Wait()
	if k.paired.Load() == 0 {
		t.Error("eight goroutines hashing at once were never paired")
	}
	if len(k.bad) > 0 {
		t.Error(k.bad[0])
	}
}

// TestClose checks that Close ends the workers, may be repeated, lets
// the callers already waiting finish, and that a closed or nil
// Scheduler takes nothing.
func TestClose(t *testing.T) {
	before := runtime.NumGoroutine()
	var k plainKernel
	s := New(k.kernel())
	p := wallettest.Random(2<<20 + 3)
	want := sha512.Sum512(p)
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * time.Millisecond)
			h := sha512.New()
			if !s.Hash(h, p) {
				h.Write(p) // came after Close: the caller hashes
			}
			if !bytes.Equal(h.Sum(nil), want[:]) {
				t.Errorf("caller %d: sum differs from crypto/sha512's", i)
			}
		})
	}
	time.Sleep(2 * time.Millisecond)
	s.Close()
	wg.Wait()
	s.Close()
	if s.Hash(sha512.New(), p) {
		t.Error("a closed Scheduler took a buffer")
	}
	var none *Scheduler[hash.Hash]
	if none.Hash(sha512.New(), p) {
		t.Error("a nil Scheduler took a buffer")
	}
	none.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before New", n, before)
	}
}

// TestStaggered has a second caller come a millisecond after the first,
// well within pairWait: the worker waits for it rather than start the
// first buffer alone, and pairs the two from their first bytes to the
// end of the shorter. The machine is shared; of five tries, one must
// pair every byte.
func TestStaggered(t *testing.T) {
	p, q := wallettest.Random(4<<20), wallettest.Random(4<<20+128)
	for try := range 5 {
		var k plainKernel
		s := New(k.kernel())
		var wg sync.WaitGroup
		wg.Go(func() { s.Hash(sha512.New(), p) })
		time.Sleep(time.Millisecond)
		wg.Go(func() { s.Hash(sha512.New(), q) })
		wg.Wait()
		s.Close()
		if k.paired.Load() == 2*int64(len(p)) {
			return
		}
		t.Logf("try %d: %d of %d bytes paired", try, k.paired.Load(), 2*len(p))
	}
	t.Error("a caller a millisecond late was never paired from the start")
}
