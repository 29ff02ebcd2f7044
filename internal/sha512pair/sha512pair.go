// Package sha512pair hashes the same bytes into two SHA-512 hashes at
// once.
//
// A backup hashes its plaintext twice: each chunk's SHA-512 and the
// SHA-512 of the whole inner archive, over the same bytes. Two SHA-512
// states fed the same message blocks share the message schedule, and
// their two rounds can run side by side in one vector register, so the
// pair costs less than two passes.
//
// On amd64 with AVX-512F, AVX-512VL and BMI2, Write runs both states
// through one assembly kernel (blocks_amd64.s, written by gen.go) when
// both hashes stand on a block boundary; everywhere else, and with the
// purego build tag, it writes to one hash and then to the other.
//
// Measured on the 2-core build machine (AMD EPYC "Turin-like", Zen 5,
// shared with other jobs, load average 6-9), 1 MiB per call:
//
//	BenchmarkWrite      446-476 MB/s of input (into both hashes)
//	BenchmarkTwoWrites  294-342 MB/s
//	thread CPU time, best of 15 x 16 MiB: 608-622 MB/s against
//	394-412 MB/s, 1.51-1.54x
//
// The kernel is bound by the rounds' dependency chains, not by the
// vector units: on Zen 5 VPADDQ, VPROLQ and VPTERNLOGQ each take two
// cycles, and only two pipes rotate, so Σ0 and Σ1 (three rotates and a
// three-way XOR) take five. With the sums ordered so that each chain is
// Σ and one add per round, a round costs about eight cycles, against
// about 6.7 for one state of crypto/sha512's scalar AVX2 code. The
// message schedule, on the scalar ALUs, costs nothing measurable.
package sha512pair

import (
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"hash"
	"reflect"
)

const (
	blockSize = 128

	// maxKernel is the most bytes one call of the kernel hashes: Go
	// cannot preempt assembly, and a stop-the-world would wait for it.
	maxKernel = 1 << 20

	// The encoding of crypto/sha512's state (crypto/internal/fips140/
	// sha512, MarshalBinary): magic, h[0..7] big-endian, the buffered
	// block padded with zeros to 128 bytes, the length in bytes
	// big-endian.
	magic         = "sha\x07"
	hOff          = len(magic)
	bufOff        = hOff + 8*8
	lenOff        = bufOff + blockSize
	marshaledSize = lenOff + 8
)

// digestType is the dynamic type of the hashes crypto/sha512.New makes:
// the kernel runs only for those, whose state encoding it knows.
var digestType = reflect.TypeOf(sha512.New())

// Write writes p to a and b, hashes made by crypto/sha512.New, as
// a.Write(p) and b.Write(p) would.
func Write(a, b hash.Hash, p []byte) {
	write(a, b, p, hasKernel())
}

// write is Write, with kernel false forcing the two plain writes.
func write(a, b hash.Hash, p []byte, kernel bool) {
	// Compared only once both are crypto/sha512's (pointers), a == b
	// cannot panic on an uncomparable hash.
	if !kernel || len(p) < blockSize ||
		reflect.TypeOf(a) != digestType || reflect.TypeOf(b) != digestType || a == b {
		a.Write(p)
		b.Write(p)
		return
	}
	// One buffer serves both states: at a block boundary the encoding
	// holds nothing but the chain value and the length, so it is rebuilt
	// from them. Going through an interface, the buffer escapes: this is
	// the call's one allocation.
	var buf [marshaledSize]byte
	var s [16]uint64
	lenA, okA := load(a, &buf, &s, 0)
	lenB, okB := load(b, &buf, &s, 1)
	if !okA || !okB {
		a.Write(p)
		b.Write(p)
		return
	}
	n := len(p) &^ (blockSize - 1)
	for q := p[:n]; len(q) > 0; {
		m := min(len(q), maxKernel)
		blocks(&s, q[:m])
		q = q[m:]
	}
	store(a, &buf, &s, 0, lenA+uint64(n), p, n)
	store(b, &buf, &s, 1, lenB+uint64(n), p, n)
}

// load puts h's chain value into lane lane of s and returns the length
// hashed so far; ok is false unless h's state encodes as expected and
// it has no partial block buffered.
func load(h hash.Hash, buf *[marshaledSize]byte, s *[16]uint64, lane int) (length uint64, ok bool) {
	m, ok := h.(encoding.BinaryAppender)
	if !ok {
		return 0, false
	}
	if _, ok := h.(encoding.BinaryUnmarshaler); !ok {
		return 0, false
	}
	enc, err := m.AppendBinary(buf[:0])
	if err != nil || len(enc) != marshaledSize || &enc[0] != &buf[0] || string(enc[:hOff]) != magic {
		return 0, false
	}
	length = binary.BigEndian.Uint64(enc[lenOff:])
	if length%blockSize != 0 {
		return 0, false
	}
	for i := range 8 {
		s[2*i+lane] = binary.BigEndian.Uint64(enc[hOff+8*i:])
	}
	return length, true
}

// store sets h's state to lane lane of s after length bytes, then
// writes the tail of p after its n bytes of whole blocks. Should h
// refuse the state, which leaves it as it was, it takes all of p.
func store(h hash.Hash, buf *[marshaledSize]byte, s *[16]uint64, lane int, length uint64, p []byte, n int) {
	*buf = [marshaledSize]byte{}
	copy(buf[:], magic)
	for i := range 8 {
		binary.BigEndian.PutUint64(buf[hOff+8*i:], s[2*i+lane])
	}
	binary.BigEndian.PutUint64(buf[lenOff:], length)
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(buf[:]); err != nil {
		n = 0
	}
	h.Write(p[n:])
}

// Fast reports whether Write hashes the pair in one pass here (for
// hashes on block boundaries); where it does not, Write is two plain
// writes.
func Fast() bool { return hasKernel() }
