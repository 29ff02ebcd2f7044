// Package sha512pair runs two SHA-512 hashes at once: over the same
// bytes (Write) or over two different messages (WriteTwo); a Hasher
// hashes whole buffers of several goroutines two at a time.
//
// A backup hashes its plaintext twice: each chunk's SHA-512 and the
// SHA-512 of the whole inner archive, over the same bytes; verifying
// hashes two chunks, or a file and a chunk, over different bytes. The
// rounds of two SHA-512 states can run side by side in one vector
// register, so the pair costs less than two passes.
//
// On amd64 with AVX-512F, AVX-512VL and BMI2, Write and WriteTwo run
// both states through one assembly kernel (blocks_amd64.s, written by
// gen.go) when both hashes stand on a block boundary; everywhere else,
// and with the purego build tag, they write to one hash and then to the
// other. Write is WriteTwo with the same bytes for both.
//
// The kernel is bound by the rounds' dependency chains, not by the
// vector units: on Zen 5 VPADDQ, VPROLQ and VPTERNLOGQ each take two
// cycles, and only two pipes rotate, so Σ0 and Σ1 (three rotates and a
// three-way XOR) take five. With the sums ordered so that each chain is
// Σ and one add per round, a round costs about eight cycles, against
// about 6.7 for one state of crypto/sha512's scalar AVX2 code. The two
// message schedules, on the scalar ALUs, run in the rounds' shadow and
// cost nothing measurable, provided the loop stays small enough for the
// micro-op cache (see gen.go): fully unrolled, the kernel ran at less
// than half the speed. Fed the same bytes twice, it runs as fast as the
// former kernel that computed one schedule for both states (within one
// or two per cent, the noise of the machine).
//
// Measured on the 2-core build machine (AMD EPYC, Zen 5, shared with
// other jobs, load average 4-6), 1 MiB per call, best of eight runs of
// go test -run XXX -bench Write -benchtime 16x -count 8, in cpu-MB/s
// (MB of each hash's input per second of the process's CPU time):
//
//	BenchmarkWrite      601 MB/s  (same bytes into both hashes)
//	BenchmarkWriteTwo   597 MB/s  (two buffers, each into its hash)
//	BenchmarkTwoWrites  406 MB/s  (plain, one hash after the other)
//
// that is 1.47-1.48x. Two goroutines hashing a 24 MiB buffer each, best
// of six runs of go test -run XXX -bench 'Hasher|Sum512Concurrent'
// -benchtime 4x -count 6, in CPU time per pair of buffers:
//
//	BenchmarkHasher             42.0-43.1 ms  (one core, 1169-1197 cpu-MB/s)
//	BenchmarkSum512Concurrent   60.5-62.7 ms  (two cores, 803-832 cpu-MB/s)
//
// 0.69-0.71 of the CPU time.
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
	writeTwo(a, p, b, p, hasKernel())
}

// WriteTwo writes pa to a and pb to b, as a.Write(pa) and b.Write(pb)
// would. Where both are hashes made by crypto/sha512.New standing on a
// block boundary, the whole blocks of the shorter message and as many
// of the other's bytes go through the kernel together; the rest is
// written plainly.
func WriteTwo(a hash.Hash, pa []byte, b hash.Hash, pb []byte) {
	writeTwo(a, pa, b, pb, hasKernel())
}

// writeTwo is WriteTwo, with kernel false forcing the two plain writes.
func writeTwo(a hash.Hash, pa []byte, b hash.Hash, pb []byte, kernel bool) {
	n := min(len(pa), len(pb)) &^ (blockSize - 1)
	// Compared only once both are crypto/sha512's (pointers), a == b
	// cannot panic on an uncomparable hash.
	if !kernel || n == 0 ||
		reflect.TypeOf(a) != digestType || reflect.TypeOf(b) != digestType || a == b {
		a.Write(pa)
		b.Write(pb)
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
		a.Write(pa)
		b.Write(pb)
		return
	}
	for i := 0; i < n; {
		m := min(n-i, maxKernel)
		blocks2(&s, pa[i:i+m], pb[i:i+m])
		i += m
	}
	store(a, &buf, &s, 0, lenA+uint64(n), pa, n)
	store(b, &buf, &s, 1, lenB+uint64(n), pb, n)
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

// Fast reports whether Write and WriteTwo hash the pair in one pass
// here (for hashes on block boundaries); where they do not, they are
// two plain writes.
func Fast() bool { return hasKernel() }
