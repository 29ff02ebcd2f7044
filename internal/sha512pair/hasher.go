package sha512pair

import (
	"crypto/sha512"
	"hash"
	"sync/atomic"

	"github.com/cakebackup/cakebackup/internal/hashpairs"
)

// piece is the least buffer Sum512 gives to the workers.
const piece = maxKernel

// A Hasher takes SHA-512 hashes of buffers for several goroutines, two
// buffers at a time through WriteTwo where the kernel runs (Fast): its
// worker (a hashpairs.Scheduler) hashes a step of each of the two
// buffers with the least left to hash, then looks again at what waits,
// so that a buffer coming while two others are hashed waits for a step,
// not for one of them to end. Two callers hashing at once thus cost
// about two thirds of the CPU time of two crypto/sha512 hashes, on one
// core, leaving the other free for other work.
//
// Sum512's buffers under 1 MiB are hashed on the caller's goroutine:
// pairing them would save little. Where the kernel does not run,
// every buffer is hashed on the caller's goroutine, as on a Hasher not
// made by NewHasher or after Close. A Hasher is safe for concurrent use.
type Hasher struct {
	sched *hashpairs.Scheduler[hash.Hash] // nil where the kernel does not run

	// minQueued is the shortest buffer Sum512 gives to the workers:
	// piece, or 0 in tests, for the workers to take every size.
	minQueued int

	// paired counts the bytes hashed two at a time, for tests.
	paired *atomic.Int64
}

// NewHasher returns a Hasher with max(1, GOMAXPROCS/2) workers where the
// kernel runs, each hashing up to two buffers at once; Close stops them.
func NewHasher() *Hasher {
	h := &Hasher{minQueued: piece, paired: new(atomic.Int64)}
	if hasKernel() {
		h.sched = hashpairs.New(hashpairs.Kernel[hash.Hash]{
			Write:     func(d hash.Hash, p []byte) { d.Write(p) },
			WriteTwo:  WriteTwo,
			BlockSize: blockSize,
			Paired:    h.paired,
		})
	}
	return h
}

// Sum512 returns the SHA-512 sum of b, as crypto/sha512.Sum512 does,
// once it is hashed. b must not change until Sum512 returns.
func (h *Hasher) Sum512(b []byte) [64]byte {
	if len(b) >= h.minQueued {
		d := sha512.New()
		if h.sched.Hash(d, b) {
			var sum [64]byte
			d.Sum(sum[:0])
			return sum
		}
	}
	return sha512.Sum512(b)
}

// Close stops the workers once every buffer given to them is hashed, and
// returns when they have ended. Later calls hash on their own goroutines.
// Close may be called more than once.
func (h *Hasher) Close() { h.sched.Close() }
