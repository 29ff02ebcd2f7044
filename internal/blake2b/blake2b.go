// Copyright 2016 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package blake2b computes unkeyed BLAKE2b-512 (RFC 7693), the checksum
// of every v2 blob, in portable Go that is faster on amd64 than
// golang.org/x/crypto/blake2b's assembly.
//
// It is golang.org/x/crypto v0.59.0's blake2b/blake2b.go and
// blake2b/blake2b_generic.go cut down to what the backup format needs
// (no keys, no other sizes, no BLAKE2X, no state marshalling), with the
// compression function's twelve rounds written out (hashblocks.go, made
// by gen.go) instead of looping over a table of message indices. On an
// AMD EPYC that hashes about 1.7 times as fast as x/crypto's AVX2 code
// and 1.25 times as fast as its generic Go; see BenchmarkSum512.
//
// New512 and Sum512 have x/crypto's signatures, so a caller changes
// only its import.
//
// WriteTwo and a Hasher hash two different messages at once where the
// CPU has AVX-512F and AVX-512VL (Fast): an assembly kernel
// (pair_amd64.s, made by gen.go) keeps each of the sixteen words of
// the work vector in an XMM register of its own, one message per 64-bit
// lane, so G runs for both with plain two-lane operations and no
// shuffles. x/crypto has nothing like it: its AVX2 code spreads one
// message's state over four lanes. The kernel is bound by the latency of
// G's chain (twelve dependent operations, two cycles each on Zen 5), not
// by the vector units; a pair costs about three quarters of two passes
// of the Go code. On the 2-core build machine (AMD EPYC, Zen 5, shared,
// load average about 3), go test -run XXX -bench 'Two|Hasher'
// -benchtime 20x, in MB/s of both messages per second of CPU time:
//
//	BenchmarkTwo/kernel                 1223-1272  (two 1 MiB messages)
//	BenchmarkTwo/internal-twice          639-948
//	BenchmarkTwo/x-crypto-twice          548-557
//	BenchmarkHasher/hasher              1214-1256  (two goroutines, 24 MiB each)
//	BenchmarkHasher/internal-concurrent  781-921
//	BenchmarkHasher/x-crypto-concurrent  579-581
//
// SHA512AndSum512 takes a v2 blob's two checksums, the SHA-512 of the
// blob and its BLAKE2b-512, in one pass where the CPU has AVX-512F, VL
// and BW, BMI1 and BMI2 (FusedFast): a third kernel (fused_amd64.s, made
// by gen.go with fusedgen.go) runs BLAKE2b's rounds in the low lanes of
// the vector registers as above and SHA-512's on the scalar ALUs, in one
// instruction stream, so that each chain fills the other's stalls. It
// needs no partner chunk: readers, whose workers rarely hash at the same
// moment, take a chunk's checksums with it. Per 24 MiB chunk, go test
// -run XXX -bench ChunkChecksums -benchtime 4x -count 3 (same machine,
// load average about 1.4), in CPU time:
//
//	BenchmarkChunkChecksums/fused     38.3-39.3 ms
//	BenchmarkChunkChecksums/separate  53.4-54.8 ms  (crypto/sha512, then the Go code)
//	BenchmarkChunkChecksums/pairs     37.8-38.3 ms  (both pair kernels, half of each pair)
//
// The kernels live here rather than in a package of their own because
// they share the digest, whose state they take and give back, and the
// Go compression function, which hashes what they cannot.
package blake2b

import (
	"encoding/binary"
	"errors"
	"hash"
	"math/bits"
)

//go:generate go run gen.go fusedgen.go

const (
	// BlockSize is BLAKE2b's block size in bytes.
	BlockSize = 128
	// Size is the length of a BLAKE2b-512 checksum in bytes.
	Size = 64
)

// ErrKeyed is New512's error for a key: this package hashes without one.
var ErrKeyed = errors.New("blake2b: keyed hashing is not supported")

// iv is BLAKE2b's initialization vector (RFC 7693, section 2.6).
var iv = [8]uint64{
	0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
	0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
}

// param0 is the first word of the parameter block for an unkeyed
// BLAKE2b-512: digest length 64, key length 0, fanout 1, depth 1.
const param0 = Size | 1<<16 | 1<<24

// finalFlag marks the last block (RFC 7693, section 3.2: f = 0xFF..FF).
const finalFlag = 0xFFFFFFFFFFFFFFFF

// Sum512 returns the BLAKE2b-512 checksum of data.
func Sum512(data []byte) [Size]byte {
	h := iv
	h[0] ^= param0
	var c [2]uint64
	if length := len(data); length > BlockSize {
		n := length &^ (BlockSize - 1)
		if length == n {
			n -= BlockSize // the last block is hashed with the final flag
		}
		hashBlocks(&h, &c, 0, data[:n])
		data = data[n:]
	}
	var sum [Size]byte
	finalize(&sum, h, c, data)
	return sum
}

// New512 returns a hash.Hash computing the BLAKE2b-512 checksum. key must
// be empty (nil, as for x/crypto's unkeyed hash); any other key is
// ErrKeyed.
func New512(key []byte) (hash.Hash, error) {
	if len(key) != 0 {
		return nil, ErrKeyed
	}
	d := new(digest)
	d.Reset()
	return d, nil
}

// digest is the state of a BLAKE2b-512 computation: the chain value h,
// the byte counter c (128 bits) and up to one block not yet compressed.
type digest struct {
	h      [8]uint64
	c      [2]uint64
	block  [BlockSize]byte
	offset int
}

// BlockSize returns BLAKE2b's block size.
func (d *digest) BlockSize() int { return BlockSize }

// Size returns the checksum's length, 64.
func (d *digest) Size() int { return Size }

// Reset starts a new checksum.
func (d *digest) Reset() {
	d.h = iv
	d.h[0] ^= param0
	d.c = [2]uint64{}
	d.offset = 0
}

// Write adds p to the checksum. It never fails. The last block seen is
// always kept back, because it must be compressed with the final flag.
func (d *digest) Write(p []byte) (n int, err error) {
	n = len(p)
	if d.offset > 0 {
		remaining := BlockSize - d.offset
		if n <= remaining {
			d.offset += copy(d.block[d.offset:], p)
			return n, nil
		}
		copy(d.block[d.offset:], p[:remaining])
		hashBlocks(&d.h, &d.c, 0, d.block[:])
		d.offset = 0
		p = p[remaining:]
	}
	if length := len(p); length > BlockSize {
		nn := length &^ (BlockSize - 1)
		if length == nn {
			nn -= BlockSize
		}
		hashBlocks(&d.h, &d.c, 0, p[:nn])
		p = p[nn:]
	}
	d.offset += copy(d.block[:], p)
	return n, nil
}

// Sum appends the checksum of the bytes written so far to b. It does not
// change the state, so writing may go on.
func (d *digest) Sum(b []byte) []byte {
	sum := d.checksum()
	return append(b, sum[:]...)
}

// checksum returns the checksum of what d has taken, leaving d as it is.
func (d *digest) checksum() (sum [Size]byte) {
	finalize(&sum, d.h, d.c, d.block[:d.offset])
	return sum
}

// newWith returns a new digest that has taken prefix.
func newWith(prefix []byte) *digest {
	d := new(digest)
	d.Reset()
	d.Write(prefix)
	return d
}

// finalize compresses the last, possibly short or empty, block rest
// (at most BlockSize bytes) into copies of h and c and writes the
// checksum to sum. The counter counts only rest's real bytes, not the
// zeros that pad it.
func finalize(sum *[Size]byte, h [8]uint64, c [2]uint64, rest []byte) {
	var block [BlockSize]byte
	offset := copy(block[:], rest)
	remaining := uint64(BlockSize - offset)
	if c[0] < remaining {
		c[1]--
	}
	c[0] -= remaining
	hashBlocks(&h, &c, finalFlag, block[:])
	for i, v := range h {
		binary.LittleEndian.PutUint64(sum[8*i:], v)
	}
}

// g is BLAKE2b's mixing function G (RFC 7693, section 3.1) on the words
// a, b, c, d of the work vector with the message words x and y. It is
// small enough to be inlined into hashBlocks.
func g(a, b, c, d, x, y uint64) (uint64, uint64, uint64, uint64) {
	a += b + x
	d = bits.RotateLeft64(d^a, -32)
	c += d
	b = bits.RotateLeft64(b^c, -24)
	a += b + y
	d = bits.RotateLeft64(d^a, -16)
	c += d
	b = bits.RotateLeft64(b^c, -63)
	return a, b, c, d
}
