// Package hashpairs hashes the buffers of several goroutines two at a
// time through a kernel that hashes two messages at once.
//
// SHA-512 (internal/sha512pair) and BLAKE2b (internal/blake2b) each
// have such a kernel: the rounds of two states run side by side in the
// two lanes of vector registers, so the pair costs less than two
// passes. A Scheduler's worker takes the buffers that callers give it
// and hashes them a step at a time, two together, so that callers on
// different goroutines (the workers opening or sealing a backup's
// chunks) get their buffers paired without knowing of each other.
package hashpairs

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// How much of a buffer a worker hashes before it looks again at the
// buffers waiting. Alone, it looks often: each lone step while another
// buffer waits is a step not paired. Paired, a step is about half a
// millisecond for either kernel here.
const (
	loneStep = 64 << 10
	pairStep = 256 << 10
)

// pairWait is how long a worker left with one buffer waits for another
// to pair it with, once per buffer, before hashing it alone. Callers
// that hash in turn (a backup's chunk workers, each waiting for two
// hashes of its chunk) come back staggered: the hash that finished a
// chunk first would otherwise take the other worker's chunk alone, at a
// third more CPU time, until its worker brings the next one.
const pairWait = 4 * time.Millisecond

// Kernel is how a Scheduler hashes into states of type S.
type Kernel[S any] struct {
	// Write hashes p into s, as hash.Hash's Write does.
	Write func(s S, p []byte)
	// WriteTwo hashes pa into a and pb into b, as two calls of Write
	// would, both at once as far as it can. The worker gives it a
	// state that is on a block boundary as b, and as much of b's
	// message as of a's, in whole blocks, unless both end.
	WriteTwo func(a S, pa []byte, b S, pb []byte)
	// BlockSize is the hash's block size in bytes, a power of two.
	BlockSize int
	// Paired, when not nil, counts the bytes hashed two at a time: for
	// tests that check that concurrent callers are paired.
	Paired *atomic.Int64
}

// A Scheduler hashes buffers for several goroutines, two at a time
// through its Kernel's WriteTwo: its worker hashes a step of each of the
// two buffers with the least left to hash, then looks again at what
// waits, so that a buffer coming while two others are hashed waits for a
// step, not for one of them to end. Left with one buffer, it waits a
// little (pairWait) for another before hashing it alone. A nil
// Scheduler, or one closed, takes no buffers. A Scheduler is safe for
// concurrent use.
type Scheduler[S any] struct {
	k       Kernel[S]
	mu      sync.Mutex
	queue   []*job[S] // given, not yet taken by a worker
	waiting *sync.Cond
	seeking int // workers waiting for a buffer to pair theirs with
	closed  bool
	wg      sync.WaitGroup
}

// job is one call's buffer, its state, and how far it has come.
type job[S any] struct {
	p      []byte
	s      S
	off    int
	done   chan struct{}
	waited bool // a worker waited for a partner for it
}

func (j *job[S]) rest() int { return len(j.p) - j.off }

// New returns a Scheduler for k with max(1, GOMAXPROCS/2) workers, each
// hashing up to two buffers at once; Close stops them. It is for where
// k's WriteTwo runs a real two-message kernel: elsewhere a caller hashes
// faster on its own goroutine.
func New[S any](k Kernel[S]) *Scheduler[S] {
	s := &Scheduler[S]{k: k}
	s.waiting = sync.NewCond(&s.mu)
	n := max(1, runtime.GOMAXPROCS(0)/2)
	s.wg.Add(n)
	for range n {
		go s.work()
	}
	return s
}

// Hash hashes p into st on a worker and returns true once it is done;
// p must not change until then. It returns false, having hashed
// nothing, when s is nil or closed: the caller hashes p itself.
func (s *Scheduler[S]) Hash(st S, p []byte) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	j := &job[S]{p: p, s: st, done: make(chan struct{})}
	s.queue = append(s.queue, j)
	s.waiting.Broadcast()
	s.mu.Unlock()
	<-j.done
	return true
}

// Close stops the workers once every buffer given to them is hashed, and
// returns when they have ended. Later calls of Hash return false. Close
// may be called more than once, and on a nil Scheduler.
func (s *Scheduler[S]) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.closed = true
	s.waiting.Broadcast()
	s.mu.Unlock()
	s.wg.Wait()
}

// take moves the queued jobs to held, waiting for one when held is
// empty, and for pairWait when held is one job that has not waited yet;
// it returns false once the Scheduler is closed and nothing is left.
// An idle worker leaves new jobs to the workers waiting for a partner.
func (s *Scheduler[S]) take(held []*job[S]) ([]*job[S], bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(held) == 0 && len(s.queue) <= s.seeking {
		if s.closed && len(s.queue) == 0 {
			return held, false
		}
		s.waiting.Wait()
	}
	held = s.takeQueue(held)
	if len(held) == 1 && !held[0].waited {
		held[0].waited = true
		expired := false
		t := time.AfterFunc(pairWait, func() {
			s.mu.Lock()
			expired = true
			s.waiting.Broadcast()
			s.mu.Unlock()
		})
		s.seeking++
		for len(s.queue) == 0 && !s.closed && !expired {
			s.waiting.Wait()
		}
		s.seeking--
		t.Stop()
		held = s.takeQueue(held)
	}
	return held, true
}

// takeQueue moves the queued jobs to held; s.mu is held.
func (s *Scheduler[S]) takeQueue(held []*job[S]) []*job[S] {
	held = append(held, s.queue...)
	clear(s.queue)
	s.queue = s.queue[:0]
	return held
}

// work hashes the jobs until Close: a step of the two with the least
// left at a time (of the one, when alone), looking for new ones between
// steps.
func (s *Scheduler[S]) work() {
	defer s.wg.Done()
	var held []*job[S]
	for {
		var ok bool
		if held, ok = s.take(held); !ok {
			return
		}
		slices.SortFunc(held, func(a, b *job[S]) int { return a.rest() - b.rest() })
		if len(held) == 1 {
			a := held[0]
			n := min(a.rest(), loneStep)
			s.k.Write(a.s, a.p[a.off:a.off+n])
			a.off += n
		} else {
			s.step(held[0], held[1])
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
func (s *Scheduler[S]) step(a, b *job[S]) {
	n := min(a.rest(), pairStep)
	m := n &^ (s.k.BlockSize - 1)
	if n == a.rest() && n == b.rest() {
		m = n // both end: b's tail too
	}
	s.k.WriteTwo(a.s, a.p[a.off:a.off+n], b.s, b.p[b.off:b.off+m])
	if s.k.Paired != nil {
		s.k.Paired.Add(int64(2 * (n &^ (s.k.BlockSize - 1))))
	}
	a.off += n
	b.off += m
}
