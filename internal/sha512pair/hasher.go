package sha512pair

import (
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"hash"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// piece is how much of a buffer a Hasher's worker hashes before it
// looks again at the buffers waiting: a multiple of the block size, so
// that a hash stands on a block boundary whenever it looks.
const piece = maxKernel

// A Hasher takes SHA-512 hashes of buffers for several goroutines, two
// buffers at a time through WriteTwo where the kernel runs (Fast): its
// worker hashes a MiB of each of the two buffers with the least left to
// hash, then looks again at what waits, so that a short buffer (a piece
// of a stream, see Write) does not wait for two long ones to end. Two
// callers hashing at once thus cost about two thirds of the CPU time of
// two crypto/sha512 hashes, on one core, leaving the other free for other
// work.
//
// Sum512's buffers under 1 MiB are hashed on the caller's goroutine:
// pairing them would save little. Where the kernel does not run,
// every buffer is hashed on the caller's goroutine, as on a Hasher not
// made by NewHasher or after Close. A Hasher is safe for concurrent use.
type Hasher struct {
	jobs   chan *job
	closed chan struct{}
	once   sync.Once
	wg     sync.WaitGroup

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
// once it is hashed. b must not change until Sum512 returns.
func (h *Hasher) Sum512(b []byte) [64]byte {
	var sum [64]byte
	if len(b) < h.minQueued || !h.queue(sha512.New(), b, &sum) {
		sum = sha512.Sum512(b)
	}
	return sum
}

// Write writes p to d, as d.Write(p) would, and returns once it is
// hashed: a piece of a stream whose hash should be taken with other
// buffers. d must be a hash made by crypto/sha512.New for the kernel to
// take it, and nobody else's until Write returns; p must not change
// until then.
func (h *Hasher) Write(d hash.Hash, p []byte) {
	// The kernel takes a hash on a block boundary: the bytes up to the
	// next one are written here.
	if r := partial(d); r > 0 {
		n := min(len(p), blockSize-r)
		d.Write(p[:n])
		p = p[n:]
	}
	if len(p) < blockSize || !h.queue(d, p, nil) {
		d.Write(p)
	}
}

// partial returns how many bytes d holds of an unfinished block, or 0
// when that cannot be told (the kernel then does not take d anyway).
func partial(d hash.Hash) int {
	m, ok := d.(encoding.BinaryAppender)
	if !ok {
		return 0
	}
	var buf [marshaledSize]byte
	enc, err := m.AppendBinary(buf[:0])
	if err != nil || len(enc) != marshaledSize || string(enc[:hOff]) != magic {
		return 0
	}
	return int(binary.BigEndian.Uint64(enc[lenOff:]) % blockSize)
}

// queue has a worker write p to d, and sum d into sum when sum is not
// nil; it reports false, having done nothing, when no worker is there to
// do it.
func (h *Hasher) queue(d hash.Hash, p []byte, sum *[64]byte) bool {
	if !hasKernel() || h.jobs == nil {
		return false
	}
	j := &job{p: p, h: d, done: make(chan struct{})}
	select {
	case h.jobs <- j:
		<-j.done
		if sum != nil {
			d.Sum(sum[:0])
		}
		return true
	case <-h.closed:
		return false
	}
}

// Close stops the workers once the buffers they have taken are hashed,
// and returns when they have ended. Calls that are waiting, or come
// later, hash on their own goroutines. Close may be called more than
// once.
func (h *Hasher) Close() {
	h.once.Do(func() { close(h.closed) })
	h.wg.Wait()
}

// work takes jobs until Close: a piece of the two with the least left at
// a time (of the one, when alone), looking for new ones between pieces.
func (h *Hasher) work() {
	defer h.wg.Done()
	var held []*job
	for {
		if len(held) == 0 {
			select {
			case j := <-h.jobs:
				held = append(held, j)
			case <-h.closed:
				return
			}
		}
	take:
		for {
			select {
			case j := <-h.jobs:
				held = append(held, j)
			default:
				break take
			}
		}
		slices.SortFunc(held, func(a, b *job) int { return a.rest() - b.rest() })
		if len(held) == 1 {
			a := held[0]
			n := min(a.rest(), piece)
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

// step hashes a piece of a and b together, a having no more left than b:
// a's rest when it is a piece or less, its tail included, else a piece;
// as many of b's whole blocks. b stays on a block boundary.
func (h *Hasher) step(a, b *job) {
	n := min(a.rest(), piece)
	m := n &^ (blockSize - 1)
	if n == a.rest() && n == b.rest() {
		m = n // both end: b's tail too
	}
	WriteTwo(a.h, a.p[a.off:a.off+n], b.h, b.p[b.off:b.off+m])
	h.paired.Add(int64(2 * (n &^ (blockSize - 1))))
	a.off += n
	b.off += m
}
