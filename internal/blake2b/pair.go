package blake2b

import (
	"hash"
	"math"
	"sync/atomic"

	"github.com/cakebackup/cakebackup/internal/hashpairs"
)

// maxKernel is the most bytes of each message one call of the kernel
// hashes, about three quarters of a millisecond: Go cannot preempt
// assembly, and a stop-the-world would wait for it.
const maxKernel = 512 << 10

// Fast reports whether WriteTwo and a Hasher hash two messages in one
// pass here; where they do not, they hash one after the other.
func Fast() bool { return hasKernel() }

// WriteTwo writes pa to a and pb to b, as a.Write(pa) and b.Write(pb)
// would. Where a and b are two hashes made by New512 and the kernel runs
// (Fast), the whole blocks both messages have go through it together;
// the rest, the longer message's tail among it, is written plainly.
func WriteTwo(a hash.Hash, pa []byte, b hash.Hash, pb []byte) {
	da, okA := a.(*digest)
	db, okB := b.(*digest)
	if !okA || !okB {
		a.Write(pa)
		b.Write(pb)
		return
	}
	writeTwo(da, pa, db, pb, hasKernel())
}

// writeTwo is WriteTwo for two digests, with kernel false forcing the
// two plain writes.
func writeTwo(a *digest, pa []byte, b *digest, pb []byte, kernel bool) {
	if kernel && a != b {
		pa, pb = pairBlocks(a, pa, b, pb)
	}
	a.Write(pa)
	b.Write(pb)
}

// pairBlocks takes as much of pa and pb into a and b as the kernel can
// hash together and returns the rest of each, for Write. A digest always
// keeps its last block back, for the final flag: so does pairBlocks,
// which leaves at least one byte of each message to Write.
func pairBlocks(a *digest, pa []byte, b *digest, pb []byte) ([]byte, []byte) {
	pa, pb = a.fill(pa), b.fill(pb)
	if len(pa) == 0 || len(pb) == 0 {
		return pa, pb
	}
	// Each buffer is now empty or full, and a full one is not the last
	// block: more follows.
	n := min(len(pa)-1, len(pb)-1) &^ (BlockSize - 1)
	full := a.offset == BlockSize && b.offset == BlockSize
	if n == 0 && !full {
		return pa, pb
	}
	need := uint64(n + BlockSize) // the buffered blocks at most, then n
	if a.c[0] > math.MaxUint64-need || b.c[0] > math.MaxUint64-need {
		return pa, pb // the counters would carry: hashBlocks does that
	}
	for _, d := range []*digest{a, b} {
		if d.offset == BlockSize && !full {
			hashBlocks(&d.h, &d.c, 0, d.block[:])
			d.offset = 0
		}
	}
	var h [16]uint64
	for i := range 8 {
		h[2*i], h[2*i+1] = a.h[i], b.h[i]
	}
	c := [4]uint64{a.c[0], b.c[0], a.c[1], b.c[1]}
	if full {
		blocks2(&h, &c, a.block[:], b.block[:])
		a.offset, b.offset = 0, 0
	}
	for i := 0; i < n; {
		m := min(n-i, maxKernel)
		blocks2(&h, &c, pa[i:i+m], pb[i:i+m])
		i += m
	}
	for i := range 8 {
		a.h[i], b.h[i] = h[2*i], h[2*i+1]
	}
	a.c[0], b.c[0] = c[0], c[1]
	return pa[n:], pb[n:]
}

// fill tops up a partial block buffered in d from p and returns the rest
// of p. The block stays buffered, as Write leaves it.
func (d *digest) fill(p []byte) []byte {
	if d.offset == 0 || d.offset == BlockSize {
		return p
	}
	n := copy(d.block[d.offset:], p)
	d.offset += n
	return p[n:]
}

// piece is the least message Sum512 gives to the workers: pairing less
// would save little.
const piece = 1 << 20

// A Hasher takes BLAKE2b-512 checksums of buffers for several
// goroutines, two buffers at a time through the kernel where it runs
// (Fast): a hashpairs.Scheduler pairs the buffers of callers hashing at
// the same time, a step of each at a time.
//
// Buffers under 1 MiB are hashed on the caller's goroutine, as is every
// buffer where the kernel does not run, on a Hasher not made by
// NewHasher and after Close. A Hasher is safe for concurrent use.
type Hasher struct {
	sched *hashpairs.Scheduler[*digest] // nil where the kernel does not run

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
		h.sched = hashpairs.New(hashpairs.Kernel[*digest]{
			Write:     func(d *digest, p []byte) { d.Write(p) },
			WriteTwo:  func(a *digest, pa []byte, b *digest, pb []byte) { writeTwo(a, pa, b, pb, true) },
			BlockSize: BlockSize,
			Paired:    h.paired,
		})
	}
	return h
}

// Sum512 returns the BLAKE2b-512 checksum of prefix followed by p, once
// it is hashed; the prefix (a blob's header) is hashed on the caller's
// goroutine. p must not change until Sum512 returns.
func (h *Hasher) Sum512(prefix, p []byte) [Size]byte {
	d := newWith(prefix)
	if len(p) < h.minQueued || !h.sched.Hash(d, p) {
		d.Write(p)
	}
	return d.checksum()
}

// Close stops the workers once every buffer given to them is hashed, and
// returns when they have ended. Later calls hash on their own goroutines.
// Close may be called more than once.
func (h *Hasher) Close() { h.sched.Close() }
