package blake2b

import (
	"crypto/sha512"
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
	if !hasFused() {
		d := newWith(prefix)
		d.Write(p)
		return sha512.Sum512(shaMsg), d.checksum()
	}
	d := newWith(prefix)
	p = d.fill(p)
	if len(p) > 0 && d.offset == BlockSize {
		hashBlocks(&d.h, &d.c, 0, d.block[:])
		d.offset = 0
	}
	// The digest now holds no block unless p is empty; its last block
	// is kept back for the final flag.
	n := 0
	if len(p) > 0 {
		n = min(len(shaMsg), len(p)-1) &^ (BlockSize - 1)
	}
	if d.c[0] > math.MaxUint64-uint64(n) {
		n = 0 // the counter would carry: hashBlocks does that
	}
	sh := iv // BLAKE2b's initialization vector is SHA-512's (RFC 7693, section 2.6)
	for i := 0; i < n; {
		m := min(n-i, maxKernel)
		fused(&sh, &d.h, &d.c, shaMsg[i:i+m], p[i:i+m])
		i += m
	}
	d.Write(p[n:])
	return sha512Rest(sh, shaMsg, n), d.checksum()
}

// sha512Rest finishes the SHA-512 of msg whose first n bytes have gone
// into the chain value h: the rest, padded (FIPS 180-4, section 5.1.2),
// goes through the kernel with a BLAKE2b state that is thrown away.
func sha512Rest(h [8]uint64, msg []byte, n int) [sha512.Size]byte {
	var bh [8]uint64
	var bc [2]uint64
	rest := msg[n:]
	whole := len(rest) &^ (BlockSize - 1)
	for i := 0; i < whole; {
		m := min(whole-i, maxKernel)
		fused(&h, &bh, &bc, rest[i:i+m], rest[i:i+m])
		i += m
	}
	var pad [2 * BlockSize]byte
	k := copy(pad[:], rest[whole:])
	pad[k] = 0x80
	end := BlockSize
	if k >= BlockSize-16 {
		end = 2 * BlockSize
	}
	binary.BigEndian.PutUint64(pad[end-8:], uint64(len(msg))<<3)
	binary.BigEndian.PutUint64(pad[end-16:], uint64(len(msg))>>61)
	bc = [2]uint64{}
	fused(&h, &bh, &bc, pad[:end], pad[:end])
	var sum [sha512.Size]byte
	for i, v := range h {
		binary.BigEndian.PutUint64(sum[8*i:], v)
	}
	return sum
}
