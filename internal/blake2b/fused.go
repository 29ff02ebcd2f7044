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
