package blake2b

import (
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"math"
)

// FusedFast reports whether SHA512AndSum512 takes both checksums in one
// pass here; where it does not, it takes one after the other.
func FusedFast() bool { return hasFused() }

// SHA512AndSum512 returns the SHA-512 of shaMsg, as crypto/sha512.Sum512
// does, and the BLAKE2b-512 checksum of prefix followed by p, as Sum512
// of their concatenation does: a v2 blob's two checksums, over the
// blob's bytes and over its header and ciphertext, which differ in
// length by a few dozen bytes.
//
// Where the CPU runs the fused kernel (amd64 with AVX-512F, VL and BW,
// BMI1 and BMI2; not with the purego tag), the whole blocks both
// messages have go through it together: SHA-512's rounds on the scalar
// ALUs and BLAKE2b's on the vector units, interleaved in one instruction
// stream on one core, so that each fills the other's stalls. The rest is
// hashed alone. Elsewhere the two are hashed one after the other.
func SHA512AndSum512(shaMsg, prefix, p []byte) (sha [sha512.Size]byte, sum [Size]byte) {
	return NewFusedSums(shaMsg, prefix, p).Sums()
}

// FusedSums takes SHA512AndSum512's two checksums of messages that are
// still arriving, a piece at a time (a buffer being filled from the
// disk): Advance hashes what has arrived, Sums the rest. A goroutine
// checking a chunk as it is read so finishes soon after the last piece
// arrives, where hashing only once it is whole would take the time of
// the whole chunk after it. A FusedSums is for one goroutine.
type FusedSums struct {
	shaMsg, prefix, p []byte // p is the caller's until started, then what follows the prefix's block

	d       *digest
	sh      [8]uint64 // SHA-512's chain value after i bytes of shaMsg
	i, n    int       // the bytes of both messages hashed together so far, and to hash so
	skip    int       // the bytes of the caller's p that filled the prefix's block
	started bool      // the prefix's block is filled
}

// NewFusedSums starts SHA512AndSum512(shaMsg, prefix, p) over messages
// whose bytes arrive later: it reads none of shaMsg and p.
func NewFusedSums(shaMsg, prefix, p []byte) *FusedSums {
	return &FusedSums{shaMsg: shaMsg, prefix: prefix, p: p, sh: iv} // BLAKE2b's initialization vector is SHA-512's (RFC 7693, section 2.6)
}

// Advance hashes, where the fused kernel runs (FusedFast), the whole
// blocks of both messages that have arrived: shaMsg's first shaAvail
// bytes and p's first pAvail bytes. Elsewhere it does nothing and Sums
// does all.
func (f *FusedSums) Advance(shaAvail, pAvail int) {
	if !hasFused() {
		return
	}
	if !f.start(pAvail) {
		return
	}
	avail := min(shaAvail, pAvail-f.skip) - f.i
	for f.i < f.n && avail >= BlockSize {
		m := min(f.n-f.i, maxKernel, avail&^(BlockSize-1))
		fused(&f.sh, &f.d.h, &f.d.c, f.shaMsg[f.i:f.i+m], f.p[f.i:f.i+m])
		f.i += m
		avail -= m
	}
}

// start fills the prefix's last block from p once p's first pAvail bytes
// have enough for it, and reports whether it has.
func (f *FusedSums) start(pAvail int) bool {
	if f.started {
		return true
	}
	d := newWith(f.prefix)
	if d.offset != 0 && d.offset != BlockSize && pAvail < min(len(f.p), BlockSize-d.offset) {
		return false
	}
	p := d.fill(f.p)
	if len(p) > 0 && d.offset == BlockSize {
		hashBlocks(&d.h, &d.c, 0, d.block[:])
		d.offset = 0
	}
	// The digest now holds no block unless p is empty; its last block
	// is kept back for the final flag.
	n := 0
	if len(p) > 0 {
		n = min(len(f.shaMsg), len(p)-1) &^ (BlockSize - 1)
	}
	if d.c[0] > math.MaxUint64-uint64(n) {
		n = 0 // the counter would carry: hashBlocks does that
	}
	f.d, f.skip, f.p, f.n, f.started = d, len(f.p)-len(p), p, n, true
	return true
}

// Sums returns the two checksums, once every byte of both messages has
// arrived.
func (f *FusedSums) Sums() (sha [sha512.Size]byte, sum [Size]byte) {
	if !hasFused() {
		d := newWith(f.prefix)
		d.Write(f.p)
		return sha512.Sum512(f.shaMsg), d.checksum()
	}
	f.Advance(len(f.shaMsg), len(f.p)+f.skip)
	f.d.Write(f.p[f.n:])
	return sha512Rest(f.sh, f.shaMsg, f.n), f.d.checksum()
}

// The encoding of crypto/sha512's state (crypto/internal/fips140/sha512,
// AppendBinary), which the hash package promises later releases still
// read: magic, h[0..7] big-endian, the buffered bytes padded with zeros
// to a block, the length in bytes big-endian.
const (
	sha512Magic   = "sha\x07"
	sha512HOff    = len(sha512Magic)
	sha512LenOff  = sha512HOff + 8*8 + BlockSize
	sha512EncSize = sha512LenOff + 8
)

// sha512Rest finishes the SHA-512 of msg whose first n bytes, whole
// blocks, have gone into the chain value h: crypto/sha512, its state set
// to h after n bytes, hashes the rest and pads the message (a blob's
// header and at most a block or two). Should it refuse the state, it
// hashes all of msg again.
func sha512Rest(h [8]uint64, msg []byte, n int) [sha512.Size]byte {
	enc := sha512State(h, uint64(n))
	d := sha512.New()
	if u, ok := d.(encoding.BinaryUnmarshaler); !ok || u.UnmarshalBinary(enc[:]) != nil {
		return sha512.Sum512(msg)
	}
	d.Write(msg[n:])
	var sum [sha512.Size]byte
	d.Sum(sum[:0])
	return sum
}

// sha512State encodes crypto/sha512's state after length bytes, a whole
// number of blocks, with chain value h.
func sha512State(h [8]uint64, length uint64) [sha512EncSize]byte {
	var enc [sha512EncSize]byte
	copy(enc[:], sha512Magic)
	for i, v := range h {
		binary.BigEndian.PutUint64(enc[sha512HOff+8*i:], v)
	}
	binary.BigEndian.PutUint64(enc[sha512LenOff:], length)
	return enc
}
