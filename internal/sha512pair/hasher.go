package sha512pair

import (
	"crypto/sha512"
	"hash"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// How much of a buffer a Hasher's worker hashes before it looks again
// at the buffers waiting: multiples of the block size, so that a hash
// stands on a block boundary whenever it looks. Alone, it looks often:
// each lone step while another buffer waits is a step not paired.
// Paired, a step is about half a millisecond.
const (
	piece    = maxKernel // Sum512's least buffer for the workers
	loneStep = 64 << 10
	pairStep = 256 << 10
)

// A Hasher takes SHA-512 hashes of buffers for several goroutines, two
// buffers at a time through WriteTwo where the kernel runs (Fast): its
// worker hashes a step of each of the two buffers with the least left to
// hash, then looks again at what waits, so that a buffer coming while two
// others are hashed waits for a step, not for one of them to end. Two
// callers hashing at once thus cost about two thirds of the CPU time of
// two crypto/sha512 hashes, on one core, leaving the other free for other
// work.
//
// Sum512's buffers under 1 MiB are hashed on the caller's goroutine:
// pairing them would save little. Where the kernel does not run,
// every buffer is hashed on the caller's goroutine, as on a Hasher not
// made by NewHasher or after Close. A Hasher is safe for concurrent use.
type Hasher struct {
	mu      sync.Mutex
	queue   []*job     // given, not yet taken by a worker
	waiting *sync.Cond // a worker waits on it for jobs
	closed  bool
	running bool // workers were started
	wg      sync.WaitGroup

	// minQueued is the shortest buffer Sum512 gives to the workers:
	// piece, or 0 in tests, for the workers to take every size.
	minQueued int

	// paired counts the bytes hashed two at a time, for tests.
	paired atomic.Int64
}

// job is one call's buffer, its hash, and how far it has come.
type job struct {
	p    []byte
	h    hash.Hash
	off  int
	done chan struct{}
}

func (j *job) rest() int { return len(j.p) - j.off }

// NewHasher returns a Hasher with max(1, GOMAXPROCS/2) workers where the
// kernel runs, each hashing up to two buffers at once; Close stops them.
func NewHasher() *Hasher {
	h := &Hasher{minQueued: piece}
	h.waiting = sync.NewCond(&h.mu)
	if !hasKernel() {
		return h
	}
	h.running = true
	n := max(1, runtime.GOMAXPROCS(0)/2)
	h.wg.Add(n)
	for range n {
		go h.work()
	}
	return h
}

// Sum512 returns the SHA-512 sum of b, as crypto/sha512.Sum512 does,
// once it is hashed. b must not change until Sum512 returns.
func (h *Hasher) Sum512(b []byte) [64]byte {
	if len(b) >= h.minQueued {
		d := sha512.New()
		if j := h.give(d, b); j != nil {
			<-j.done
			var sum [64]byte
			d.Sum(sum[:0])
			return sum
		}
	}
	return sha512.Sum512(b)
}

// give queues p for d for a worker, or returns nil when no worker is
// there to take it.
func (h *Hasher) give(d hash.Hash, p []byte) *job {
	if h.waiting == nil {
		return nil // a Hasher not made by NewHasher
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.running || h.closed {
		return nil
	}
	j := &job{p: p, h: d, done: make(chan struct{})}
	h.queue = append(h.queue, j)
	h.waiting.Signal()
	return j
}

// Close stops the workers once every buffer given to them is hashed, and
// returns when they have ended. Later calls hash on their own goroutines.
// Close may be called more than once.
func (h *Hasher) Close() {
	if h.waiting == nil {
		return
	}
	h.mu.Lock()
	h.closed = true
	h.waiting.Broadcast()
	h.mu.Unlock()
	h.wg.Wait()
}

// take moves the queued jobs to held, waiting for one when held is
// empty; it returns false once the Hasher is closed and nothing is left.
func (h *Hasher) take(held []*job) ([]*job, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(held) == 0 && len(h.queue) == 0 {
		if h.closed {
			return held, false
		}
		h.waiting.Wait()
	}
	held = append(held, h.queue...)
	clear(h.queue)
	h.queue = h.queue[:0]
	return held, true
}

// work hashes the jobs until Close: a step of the two with the least
// left at a time (of the one, when alone), looking for new ones between
// steps.
func (h *Hasher) work() {
	defer h.wg.Done()
	var held []*job
	for {
		var ok bool
		if held, ok = h.take(held); !ok {
			return
		}
		slices.SortFunc(held, func(a, b *job) int { return a.rest() - b.rest() })
		if len(held) == 1 {
			a := held[0]
			n := min(a.rest(), loneStep)
			a.h.Write(a.p[a.off : a.off+n])
			a.off += n
		} else {
			h.step(held[0], held[1])
		}
		kept := held[:0]
		for _, j := range held {
			if j.rest() == 0 {
				close(j.done)
			} else {
				kept = append(kept, j)
			}
		}
		clear(held[len(kept):])
		held = kept
	}
}

// step hashes a step of a and b together, a having no more left than b:
// a's rest when it is a step or less, its tail included, else a step; as
// many of b's whole blocks. b stays on a block boundary.
func (h *Hasher) step(a, b *job) {
	n := min(a.rest(), pairStep)
	m := n &^ (blockSize - 1)
	if n == a.rest() && n == b.rest() {
		m = n // both end: b's tail too
	}
	WriteTwo(a.h, a.p[a.off:a.off+n], b.h, b.p[b.off:b.off+m])
	h.paired.Add(int64(2 * (n &^ (blockSize - 1))))
	a.off += n
	b.off += m
}
