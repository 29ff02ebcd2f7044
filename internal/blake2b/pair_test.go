package blake2b

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	xblake2b "golang.org/x/crypto/blake2b"
)

// paths names the ways writeTwo can go on this machine: the two plain
// writes always, the kernel where the CPU has it.
func paths() map[string]bool {
	m := map[string]bool{"plain": false}
	if hasKernel() {
		m["kernel"] = true
	}
	return m
}

// data returns n pseudo-random bytes, the same for the same n and seed.
func data(n int, seed uint64) []byte {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	p := make([]byte, n)
	rand.NewChaCha8(key).Read(p) // never fails
	return p
}

// started returns a digest that has taken pre.
func started(pre []byte) *digest {
	d := new(digest)
	d.Reset()
	d.Write(pre)
	return d
}

// xSum returns x/crypto's BLAKE2b-512 of the concatenation of ps.
func xSum(ps ...[]byte) []byte {
	h, _ := xblake2b.New512(nil)
	for _, p := range ps {
		h.Write(p)
	}
	return h.Sum(nil)
}

// checkTwo writes pa and pb through writeTwo to digests that have taken
// preA and preB, and fails unless each sum is x/crypto's of its own
// bytes, then and after more writes.
func checkTwo(t testing.TB, preA, pa, preB, pb []byte, kernel bool) {
	t.Helper()
	a, b := started(preA), started(preB)
	writeTwo(a, pa, b, pb, kernel)
	if got, want := a.Sum(nil), xSum(preA, pa); !bytes.Equal(got, want) {
		t.Fatalf("kernel %v: prefixes %d, %d, lengths %d, %d: first sum %x, want %x", kernel, len(preA), len(preB), len(pa), len(pb), got, want)
	}
	if got, want := b.Sum(nil), xSum(preB, pb); !bytes.Equal(got, want) {
		t.Fatalf("kernel %v: prefixes %d, %d, lengths %d, %d: second sum %x, want %x", kernel, len(preA), len(preB), len(pa), len(pb), got, want)
	}
	// The digests go on as x/crypto's do.
	a.Write(pb)
	b.Write(pa[:len(pa)/3])
	if got, want := a.Sum(nil), xSum(preA, pa, pb); !bytes.Equal(got, want) {
		t.Fatalf("kernel %v: lengths %d, %d: first digest's state after writeTwo is wrong", kernel, len(pa), len(pb))
	}
	if got, want := b.Sum(nil), xSum(preB, pb, pa[:len(pa)/3]); !bytes.Equal(got, want) {
		t.Fatalf("kernel %v: lengths %d, %d: second digest's state after writeTwo is wrong", kernel, len(pa), len(pb))
	}
}

// pairLengths are the message lengths the tests pair with each other:
// empty, one byte, around the first block boundaries, and block
// multiples and their neighbours further on.
var pairLengths = []int{0, 1, 2, 64, 127, 128, 129, 255, 256, 257, 383, 384, 385, 1000, 1024, 4095, 4096, 4097, 10000, 16384}

// prefixLengths are the bytes the digests take before: none, a blob's
// prefix (79 bytes, or 67 in the 2022 layout), a block and more.
var prefixLengths = []int{0, 5, 67, 79, 127, 128, 129, 256, 300}

// TestWriteTwoLengths pairs every length of pairLengths with every
// other, after every pair of prefixes in a few combinations.
func TestWriteTwoLengths(t *testing.T) {
	src := [2][]byte{data(16384+300, 1), data(16384+300, 2)}
	for name, kernel := range paths() {
		t.Run(name, func(t *testing.T) {
			for i, preA := range prefixLengths {
				preB := prefixLengths[(i*5+3)%len(prefixLengths)]
				for _, na := range pairLengths {
					for _, nb := range pairLengths {
						checkTwo(t, src[0][:preA], src[0][preA:preA+na], src[1][:preB], src[1][preB:preB+nb], kernel)
					}
				}
			}
		})
	}
}

// TestWriteTwoRandom writes random lengths from random offsets (so at
// every alignment) of two buffers after random prefixes.
func TestWriteTwoRandom(t *testing.T) {
	src := [2][]byte{data(8192, 3), data(8192, 4)}
	for name, kernel := range paths() {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 6))
			for range 2000 {
				var ps, pres [2][]byte
				for i := range ps {
					pre := r.IntN(400)
					n := r.IntN(3000)
					if r.IntN(4) == 0 {
						n &^= BlockSize - 1
					}
					off := pre + r.IntN(len(src[i])-n-pre)
					pres[i], ps[i] = src[i][:pre], src[i][off:off+n]
				}
				checkTwo(t, pres[0], ps[0], pres[1], ps[1], kernel)
			}
		})
	}
}

// TestWriteTwoLong writes unequal lengths around the bytes one call of
// the kernel takes at most.
func TestWriteTwoLong(t *testing.T) {
	p, q := data(3*maxKernel+512, 7), data(3*maxKernel+512, 8)
	const k = maxKernel
	lengths := [][2]int{
		{k, k}, {k + 1, k + 1}, {k - 128, k + 128}, {k + 128, k - 1}, {k + 129, 3 * k},
		{2*k + 133, 2 * k}, {3*k + 77, k + 129}, {3 * k, 3*k + 256},
	}
	for name, kernel := range paths() {
		for _, n := range lengths {
			t.Run(fmt.Sprintf("%s/%d,%d", name, n[0], n[1]), func(t *testing.T) {
				checkTwo(t, nil, p[:n[0]], q[:79], q[79:79+n[1]], kernel)
				checkTwo(t, p[:128], q[3:n[1]+3], nil, p[1:n[0]+1], kernel)
			})
		}
	}
}

// TestWriteTwoVectors checks sums against published values (RFC 7693's
// "abc", and b2sum's, an independent C implementation, for the others;
// see TestVectors), each paired with a long message so that its whole
// blocks go through the kernel, in either lane.
func TestWriteTwoVectors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"},
		{"RFC 7693 appendix A", "abc", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"},
		{"a million a", strings.Repeat("a", 1000000), "98fb3efb7206fd19ebf69b6f312cf7b64e3b94dbe1a17107913975a793f177e1d077609d7fba363cbba00d05f7aa4e4fa8715d6428104c0a75643b0ff3fd3eaf"},
	}
	as := []byte(tests[2].in)
	for name, kernel := range paths() {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				for _, other := range [][]byte{as, as[:200_001], data(777_777, 9)} {
					a, b := started(nil), started(nil)
					writeTwo(a, []byte(tt.in), b, other, kernel)
					c, d := started(nil), started(nil)
					writeTwo(c, other, d, []byte(tt.in), kernel)
					for lane, h := range []*digest{a, d} {
						if got := hex.EncodeToString(h.Sum(nil)); got != tt.want {
							t.Errorf("lane %d, paired with %d bytes: %s, want %s", lane, len(other), got, tt.want)
						}
					}
					if !bytes.Equal(b.Sum(nil), xSum(other)) || !bytes.Equal(c.Sum(nil), xSum(other)) {
						t.Errorf("the %d bytes paired with it: sum differs from x/crypto's", len(other))
					}
				}
			})
		}
	}
}

// TestWriteTwoCounterCarry starts a digest 128 bytes short of 2^64, so
// that its counter carries into its high word: the kernel, which does
// not carry, must leave those blocks to hashBlocks. The plain path,
// checked by TestCounterCarry against x/crypto's, is the reference.
func TestWriteTwoCounterCarry(t *testing.T) {
	p, q := data(5000, 10), data(5000, 11)
	for _, c0 := range []uint64{1<<64 - BlockSize, 1<<64 - 4096, 1<<64 - 4992, 1 << 63} {
		for _, n := range []int{129, 1000, 4096, 5000} {
			got := [2]*digest{started(nil), started(p[:100])}
			want := [2]*digest{started(nil), started(p[:100])}
			for i := range 2 {
				got[i].c[0], want[i].c[0] = c0, c0
			}
			writeTwo(got[0], p[:n], got[1], q, hasKernel())
			want[0].Write(p[:n])
			want[1].Write(q)
			for i := range 2 {
				if !bytes.Equal(got[i].Sum(nil), want[i].Sum(nil)) {
					t.Errorf("counter %#x, %d bytes: digest %d differs from plain writes", c0, n, i)
				}
			}
		}
	}
}

// TestWriteTwoOtherHashes gives WriteTwo hashes it does not know, or the
// same digest twice: it must write to each as plain writes in order
// would. A pair of New512 digests, which the kernel takes, is the
// control.
func TestWriteTwoOtherHashes(t *testing.T) {
	xNew := func() hash.Hash { h, _ := xblake2b.New512(nil); return h }
	ours := func() hash.Hash { return mustNew512(t) }
	tests := []struct {
		name string
		a, b func() hash.Hash
	}{
		{"ours, the kernel's", ours, ours},
		{"x/crypto's", xNew, xNew},
		{"ours and x/crypto's", ours, xNew},
	}
	pa, pb := data(1000, 12), data(700, 13)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := tt.a(), tt.b()
			WriteTwo(a, pa, b, pb)
			if !bytes.Equal(a.Sum(nil), xSum(pa)) || !bytes.Equal(b.Sum(nil), xSum(pb)) {
				t.Fatal("sums differ from x/crypto's")
			}
		})
	}
	t.Run("same digest twice", func(t *testing.T) {
		h := mustNew512(t)
		WriteTwo(h, pa, h, pb)
		if !bytes.Equal(h.Sum(nil), xSum(pa, pb)) {
			t.Fatal("sum differs from x/crypto's of both in order")
		}
	})
}

// FuzzWriteTwo compares writeTwo with x/crypto for digests that have
// taken prefixes, over two messages; the lengths are cut from the fuzzed
// bytes, so that the seeds cover 0, 1, 127, 128, 129 and block
// multiples.
func FuzzWriteTwo(f *testing.F) {
	for _, n := range [][4]uint16{
		{0, 0, 0, 0}, {0, 1, 0, 129}, {79, 127, 0, 128}, {0, 128, 79, 129},
		{128, 256, 5, 1024}, {67, 4096, 79, 4095}, {1, 385, 127, 384},
	} {
		f.Add(n[0], n[1], n[2], n[3], uint64(n[1])<<16|uint64(n[3]))
	}
	f.Fuzz(func(t *testing.T, preA, na, preB, nb uint16, seed uint64) {
		preA, preB = preA%512, preB%512
		na, nb = na%(16<<10), nb%(16<<10)
		p, q := data(int(preA)+int(na), seed), data(int(preB)+int(nb), ^seed)
		for _, kernel := range paths() {
			checkTwo(t, p[:preA], p[preA:], q[:preB], q[preB:], kernel)
		}
	})
}

// TestHasherConcurrent has many goroutines hash prefixed buffers of
// random sizes, from empty to several MiB, at once, and checks every sum
// against x/crypto's: with the Hasher as made, and with its workers
// taking every size.
func TestHasherConcurrent(t *testing.T) {
	const mib = 1 << 20
	sizes := []int{0, 1, 127, 128, 129, 1000, mib - 1, mib, mib + 133, 2*mib + 128, 3*mib + 77}
	src := data(3*mib+256, 14)
	for _, all := range []bool{false, true} {
		t.Run(fmt.Sprintf("all sizes queued %v", all), func(t *testing.T) {
			h := NewHasher()
			defer h.Close()
			if all {
				h.minQueued = 0
			}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(15, uint64(g)))
					for range 5 {
						n := sizes[r.IntN(len(sizes))]
						pre := src[:r.IntN(200)]
						off := r.IntN(len(src) - n + 1)
						p := src[off : off+n]
						if got := h.Sum512(pre, p); !bytes.Equal(got[:], xSum(pre, p)) {
							t.Errorf("goroutine %d: sum of %d+%d bytes differs from x/crypto's", g, len(pre), n)
						}
					}
				})
			}
			wg.Wait()
			t.Logf("%d bytes hashed paired", h.paired.Load())
		})
	}
}

// TestHasherPairs checks that two callers hashing at once are paired
// where the kernel runs, with the sums right; and that a zero Hasher and
// a closed one hash on the caller.
func TestHasherPairs(t *testing.T) {
	if !hasKernel() {
		t.Skip("no kernel here: Sum512 hashes on the caller")
	}
	p, q := data(8<<20, 16), data(6<<20+5, 17)
	pre := []byte("a blob's header")
	h := NewHasher()
	// A caller may come too late for the other's buffer; five tries
	// of 8 MiB, each taking milliseconds a MiB, do not all miss.
	for try := 0; try < 5 && h.paired.Load() == 0; try++ {
		var wg sync.WaitGroup
		var sp, sq [Size]byte
		wg.Go(func() { sp = h.Sum512(pre, p) })
		wg.Go(func() { sq = h.Sum512(nil, q) })
		wg.Wait()
		if !bytes.Equal(sp[:], xSum(pre, p)) || !bytes.Equal(sq[:], xSum(q)) {
			t.Fatal("sums differ from x/crypto's")
		}
	}
	if h.paired.Load() == 0 {
		t.Fatal("two concurrent callers were never hashed together")
	}
	h.Close()
	h.Close()
	var zero Hasher
	for _, h := range []*Hasher{h, &zero} {
		if sum := h.Sum512(pre, q); !bytes.Equal(sum[:], xSum(pre, q)) {
			t.Error("closed or zero Hasher: sum differs from x/crypto's")
		}
	}
}
