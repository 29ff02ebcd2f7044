package sha512pair

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWriteTwoRandom writes random lengths from random offsets (so at
// every alignment) of two different buffers into hashes at block
// boundaries and with partial blocks buffered.
func TestWriteTwoRandom(t *testing.T) {
	offsets := []int{0, 5, 128, 133, 1024, chunkSize}
	pre := prefixes(t, offsets...)
	src := [2][]byte{data(4096, 10), data(4096, 11)}
	for _, kernel := range modes() {
		t.Run(modeName(kernel), func(t *testing.T) {
			r := rand.New(rand.NewPCG(12, 13))
			for range 3000 {
				var ps [2][]byte
				for i := range ps {
					n := r.IntN(1500)
					if r.IntN(4) == 0 {
						n &^= blockSize - 1
					}
					off := r.IntN(len(src[i]) - n)
					ps[i] = src[i][off : off+n]
				}
				a, b := pre[offsets[r.IntN(len(offsets))]], pre[offsets[r.IntN(len(offsets))]]
				checkTwo(t, a, ps[0], b, ps[1], kernel)
			}
		})
	}
}

// TestWriteTwoLong writes unequal lengths around the 1 MiB a kernel call
// takes at most.
func TestWriteTwoLong(t *testing.T) {
	pre := prefixes(t, 0, 128, chunkSize)
	const mib = 1 << 20
	p, q := data(3*mib+512, 14), data(3*mib+512, 15)
	lengths := [][2]int{
		{mib, mib}, {mib - 128, mib + 128}, {mib + 128, mib - 1}, {mib + 1, 3 * mib},
		{2*mib + 133, 2 * mib}, {3*mib + 77, mib + 129}, {3 * mib, 3*mib + 256},
	}
	for _, kernel := range modes() {
		for _, n := range lengths {
			t.Run(fmt.Sprintf("%s/%d,%d", modeName(kernel), n[0], n[1]), func(t *testing.T) {
				checkTwo(t, pre[0], p[:n[0]], pre[chunkSize], q[:n[1]], kernel)
				checkTwo(t, pre[128], q[3:n[1]+3], pre[0], p[1:n[0]+1], kernel)
			})
		}
	}
}

// TestWriteTwoLanes checks each hash against crypto/sha512.Sum512 of its
// own message, both long enough for the kernel: it fails should one
// lane hash the other's message.
func TestWriteTwoLanes(t *testing.T) {
	p, q := data(5000, 16), data(3000, 17)
	for _, kernel := range modes() {
		t.Run(modeName(kernel), func(t *testing.T) {
			a, b := sha512.New(), sha512.New()
			writeTwo(a, p, b, q, kernel)
			if got, want := a.Sum(nil), sha512.Sum512(p); !bytes.Equal(got, want[:]) {
				t.Error("first hash's sum is not its message's")
			}
			if got, want := b.Sum(nil), sha512.Sum512(q); !bytes.Equal(got, want[:]) {
				t.Error("second hash's sum is not its message's")
			}
		})
	}
}

// TestWriteTwoVectors checks sums against FIPS 180-4's million a, taken
// by the two hashes in different pieces from different addresses, the
// rest written plainly, and the short examples, which take the plain
// writes whatever they are paired with.
func TestWriteTwoVectors(t *testing.T) {
	const (
		abc      = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
		bits896  = "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
		millionA = "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"
		msg896   = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
	)
	as := []byte(strings.Repeat("a", 1_000_000+1))
	for _, kernel := range modes() {
		t.Run(modeName(kernel), func(t *testing.T) {
			for _, split := range []int{128, 500_000, 1 << 20 / 2, 999_999} {
				a, b := sha512.New(), sha512.New()
				writeTwo(a, as[:1_000_000], b, as[1:split+1], kernel)
				b.Write(as[split+1:])
				for i, h := range []hash.Hash{a, b} {
					if got := hex.EncodeToString(h.Sum(nil)); got != millionA {
						t.Errorf("split %d, hash %d: sum %s, want %s", split, i, got, millionA)
					}
				}
				c, d := sha512.New(), sha512.New()
				writeTwo(c, as[:split], d, []byte("abc"), kernel)
				c.Write(as[split:1_000_000])
				if got := hex.EncodeToString(c.Sum(nil)); got != millionA {
					t.Errorf("split %d, with abc: sum %s, want %s", split, got, millionA)
				}
				if got := hex.EncodeToString(d.Sum(nil)); got != abc {
					t.Errorf("split %d: abc's sum %s, want %s", split, got, abc)
				}
			}
			e, f := sha512.New(), sha512.New()
			writeTwo(e, []byte(msg896), f, []byte("abc"), kernel)
			if got := hex.EncodeToString(e.Sum(nil)); got != bits896 {
				t.Errorf("896 bits: sum %s, want %s", got, bits896)
			}
		})
	}
}

// FuzzWriteTwo compares writeTwo with plain writes for hashes that have
// taken whole blocks, and perhaps a partial one, first.
func FuzzWriteTwo(f *testing.F) {
	f.Add(uint16(0), uint16(1), []byte("abc"), data(300, 22))
	f.Add(uint16(3*blockSize), uint16(0), data(129, 23), data(1000, 24))
	f.Add(uint16(blockSize), uint16(5), data(1000, 25), data(1000, 26))
	f.Fuzz(func(t *testing.T, preA, preB uint16, pa, pb []byte) {
		pre := data(int(max(preA, preB)), 27)
		a, b := sha512.New(), sha512.New()
		a.Write(pre[:preA])
		b.Write(pre[:preB])
		for _, kernel := range modes() {
			checkTwo(t, a, pa, b, pb, kernel)
		}
	})
}
