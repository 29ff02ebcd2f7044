package blake2b

import (
	"bytes"
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	xblake2b "golang.org/x/crypto/blake2b"
)

// checkFused compares SHA512AndSum512 with crypto/sha512 and x/crypto's
// BLAKE2b over shaMsg and prefix followed by p.
func checkFused(t *testing.T, shaMsg, prefix, p []byte) {
	t.Helper()
	sha, sum := SHA512AndSum512(shaMsg, prefix, p)
	if want := sha512.Sum512(shaMsg); sha != want {
		t.Fatalf("SHA-512 of %d bytes: got %x, want %x", len(shaMsg), sha[:8], want[:8])
	}
	if want := xblake2b.Sum512(append(append([]byte(nil), prefix...), p...)); sum != want {
		t.Fatalf("BLAKE2b of %d+%d bytes: got %x, want %x", len(prefix), len(p), sum[:8], want[:8])
	}
}

func TestSHA512AndSum512Lengths(t *testing.T) {
	buf := data(2*maxKernel, 1)
	// The last length takes two calls of the kernel, the second short,
	// when both messages have it.
	lens := []int{0, 1, 63, 111, 112, 127, 128, 129, 255, 256, 257, 384, 1000, 4096, 4097, maxKernel + 133}
	prefixes := []int{0, 1, 40, 127, 128, 129}
	for _, ls := range lens {
		for _, lb := range lens {
			for _, pl := range prefixes {
				t.Run(fmt.Sprintf("%d/%d+%d", ls, pl, lb), func(t *testing.T) {
					checkFused(t, buf[:ls], buf[len(buf)-pl:], buf[7:7+lb])
				})
			}
		}
	}
}

// TestSHA512AndSum512Blob takes the two checksums of a 24 MiB blob as a
// backup does: SHA-512 over all of it, BLAKE2b over a 40-byte prefix
// and the blob after its 121-byte header, longer than one kernel call.
func TestSHA512AndSum512Blob(t *testing.T) {
	blob := make([]byte, 24<<20+121+7)
	for i := range blob {
		blob[i] = byte(i * 7 >> 3)
	}
	checkFused(t, blob, bytes.Repeat([]byte{3}, 40), blob[121:])
}

// TestFusedSumsArriving: FusedSums given a blob's bytes as they arrive,
// in pieces of every size (one byte, less than a block, blocks, more
// than a kernel call), whole at once, or with the prefix's block not
// filled until late, takes the checksums SHA512AndSum512 takes, and
// reads no byte before it arrived: the bytes not yet arrived are
// garbage until then.
func TestFusedSumsArriving(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	whole := make([]byte, 2*maxKernel+3*BlockSize+77)
	for i := range whole {
		whole[i] = byte(r.Uint32())
	}
	for _, c := range []struct {
		n, skip, prefix int
		pieces          []int // sizes of the pieces, repeated
	}{
		{n: len(whole), skip: 121 + 64, prefix: 161, pieces: []int{256 << 10}},
		{n: len(whole), skip: 121 + 64, prefix: 161, pieces: []int{1, 7, 100, 127}},
		{n: len(whole), skip: 121 + 64, prefix: 161, pieces: []int{len(whole)}},
		{n: len(whole), skip: 0, prefix: 0, pieces: []int{BlockSize, 3 * BlockSize}},
		{n: len(whole), skip: 3, prefix: 40, pieces: []int{maxKernel + 1}},
		{n: 5000, skip: 121 + 64, prefix: 128, pieces: []int{64, 1000}},
		{n: 300, skip: 200, prefix: 127, pieces: []int{1}},
		{n: 0, skip: 0, prefix: 5, pieces: []int{1}},
	} {
		want := whole[:c.n]
		wantSHA, wantSum := SHA512AndSum512(want, whole[len(whole)-c.prefix:], want[c.skip:])
		buf := make([]byte, c.n)
		for i := range buf {
			buf[i] = byte(i * 13) // not the message: read too early, it shows
		}
		f := NewFusedSums(buf, whole[len(whole)-c.prefix:], buf[c.skip:])
		for have, k := 0, 0; have < c.n; k++ {
			m := min(c.pieces[k%len(c.pieces)], c.n-have)
			copy(buf[have:have+m], want[have:])
			have += m
			f.Advance(have, max(have-c.skip, 0))
		}
		sha, sum := f.Sums()
		if sha != wantSHA || sum != wantSum {
			t.Errorf("%d bytes, BLAKE2b from %d after a %d-byte prefix, pieces %v: the checksums differ from SHA512AndSum512's", c.n, c.skip, c.prefix, c.pieces)
		}
	}
}

func FuzzSHA512AndSum512(f *testing.F) {
	f.Add([]byte("abc"), 0, 0)
	f.Add(bytes.Repeat([]byte{1}, 1000), 121, 40)
	f.Fuzz(func(t *testing.T, b []byte, skip, prefix int) {
		skip, prefix = abs(skip)%(len(b)+1), abs(prefix)%(len(b)+1)
		checkFused(t, b, b[:prefix], b[skip:])
	})
}

func abs(i int) int {
	if i < 0 {
		return -(i + 1)
	}
	return i
}

// TestSHA512Rest: sha512Rest, given the chain value after 0 to 3 whole
// blocks, finishes the SHA-512 of every message of up to 300 more bytes
// as crypto/sha512 does: the padding (0x80, zeros, the length in bits)
// falls in the last block or needs one more, at every boundary. The
// state it builds is the one crypto/sha512 encodes at that point.
func TestSHA512Rest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 3*BlockSize+300)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	for blocks := range 4 {
		n := blocks * BlockSize
		ref := sha512.New()
		ref.Write(buf[:n])
		enc, err := ref.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var h [8]uint64
		for i := range h {
			h[i] = binary.BigEndian.Uint64(enc[sha512HOff+8*i:])
		}
		if blocks == 0 && h != iv {
			t.Fatalf("crypto/sha512 starts from %x, not SHA-512's initial value", h)
		}
		if built := sha512State(h, uint64(n)); !bytes.Equal(built[:], enc) {
			t.Fatalf("after %d blocks: state built\n%x\nwant crypto/sha512's\n%x", blocks, built, enc)
		}
		for rest := 0; rest <= 300; rest++ {
			msg := buf[:n+rest]
			if got, want := sha512Rest(h, msg, n), sha512.Sum512(msg); got != want {
				t.Fatalf("%d blocks and %d bytes: got %x, want %x", blocks, rest, got[:8], want[:8])
			}
		}
	}
}
