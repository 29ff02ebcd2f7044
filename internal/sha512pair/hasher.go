package sha512pair

import (
	"crypto/sha512"
	"hash"
	"runtime"
	"sync"
	"sync/atomic"
)

// piece is how much of a lone buffer a Hasher's worker hashes before it
// looks for another to pair it with: a multiple of the block size, so
// that the hash stands on a block boundary whenever it looks.
const piece = maxKernel

// A Hasher computes SHA-512 sums of whole buffers for several
// goroutines, two buffers at a time through WriteTwo where the kernel
// runs (Fast): a worker hashing one buffer looks, after each MiB, for
// another caller waiting, and hashes the two together until one ends,
// then goes on with the other. Two callers hashing at once thus cost
// about two thirds of the CPU time of two crypto/sha512.Sum512 calls,
// on one core, leaving the other free for other work.
//
// Buffers under 1 MiB are hashed on the caller's goroutine: pairing
// them would save little, and they would wait for the worker's pair in
// hand to end. Where the kernel does not run, Sum512 hashes every
// buffer on the caller's goroutine, as it does on a Hasher not made by
// NewHasher. A Hasher is safe for concurrent use.
type Hasher struct {
	jobs   chan *job
	closed chan struct{}
	once   sync.Once
	wg     sync.WaitGroup

	// minQueued is the shortest buffer given to the workers: piece, or
	// 0 in tests, for the workers to take every size.
	minQueued int

	// paired counts the bytes hashed two at a time, for tests.
	paired atomic.Int64
}

// job is one Sum512 call's buffer, its hash, and how far it has come.
type job struct {
	p    []byte
	h    hash.Hash
	off  int
	done chan struct{}
}

// NewHasher returns a Hasher with max(1, GOMAXPROCS/2) workers where the
// kernel runs, each hashing up to two buffers at once; Close stops them.
func NewHasher() *Hasher {
	h := &Hasher{jobs: make(chan *job), closed: make(chan struct{}), minQueued: piece}
	if !hasKernel() {
		return h
	}
	n := max(1, runtime.GOMAXPROCS(0)/2)
	h.wg.Add(n)
	for range n {
		go h.work()
	}
	return h
}

// Sum512 returns the SHA-512 sum of b, as crypto/sha512.Sum512 does,
// once it is hashed. b must not change until Sum512 returns. After
// Close, it hashes b on the caller's goroutine.
func (h *Hasher) Sum512(b []byte) [64]byte {
	if hasKernel() && h.jobs != nil && len(b) >= h.minQueued {
		j := &job{p: b, h: sha512.New(), done: make(chan struct{})}
		select {
		case h.jobs <- j:
			<-j.done
			var sum [64]byte
			j.h.Sum(sum[:0])
			return sum
		case <-h.closed:
		}
	}
	return sha512.Sum512(b)
}

// Close stops the workers once the buffers they have taken are hashed,
// and returns when they have ended. Sum512 calls that are waiting, or
// come later, hash on their own goroutines. Close may be called more
// than once.
func (h *Hasher) Close() {
	h.once.Do(func() { close(h.closed) })
	h.wg.Wait()
}

// work takes jobs until Close.
func (h *Hasher) work() {
	defer h.wg.Done()
	var cur *job
	for {
		if cur == nil {
			select {
			case cur = <-h.jobs:
			case <-h.closed:
				return
			}
		}
		// A lone job goes a piece at a time, while no other waits.
		select {
		case other := <-h.jobs:
			cur = h.pair(cur, other)
		default:
			n := min(len(cur.p)-cur.off, piece)
			cur.h.Write(cur.p[cur.off : cur.off+n])
			cur.off += n
			if cur.off == len(cur.p) {
				close(cur.done)
				cur = nil
			}
		}
	}
}

// pair hashes a and b together until one of them ends, which it
// finishes, and returns the other, still on a block boundary, or nil
// when both have ended.
func (h *Hasher) pair(a, b *job) *job {
	restA, restB := len(a.p)-a.off, len(b.p)-b.off
	if restB < restA {
		a, b, restA, restB = b, a, restB, restA
	}
	// a ends: its whole rest goes, with as many of b's whole blocks.
	n := restA &^ (blockSize - 1)
	WriteTwo(a.h, a.p[a.off:], b.h, b.p[b.off:b.off+n])
	h.paired.Add(int64(2 * n))
	a.off = len(a.p)
	b.off += n
	close(a.done)
	if b.off == len(b.p) {
		close(b.done)
		return nil
	}
	return b
}
