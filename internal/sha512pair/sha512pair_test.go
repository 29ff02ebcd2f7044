package sha512pair

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// chunkSize is a backup chunk's size: the whole archive's hash stands
// this far ahead of a fresh chunk hash.
const chunkSize = 24 << 20

// modes lists the paths write can take on this machine: the two plain
// writes always, the kernel where the CPU has it.
func modes() []bool {
	if hasKernel() {
		return []bool{false, true}
	}
	return []bool{false}
}

func modeName(kernel bool) string {
	if kernel {
		return "kernel"
	}
	return "plain"
}

// data returns n pseudo-random bytes, the same for the same n and seed:
// ChaCha8's stream, some 30 times faster than a byte per PCG draw (the
// tests draw tens of MiB).
func data(n int, seed uint64) []byte {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	binary.LittleEndian.PutUint64(key[8:], 0x5ca1ab1e)
	p := make([]byte, n)
	rand.NewChaCha8(key).Read(p) // never fails
	return p
}

// clone returns a copy of h, a hash made by crypto/sha512.New.
func clone(t testing.TB, h hash.Hash) hash.Hash {
	t.Helper()
	enc, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	c := sha512.New()
	if err := c.(encoding.BinaryUnmarshaler).UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	return c
}

// prefixes returns hashes that have taken the given numbers of bytes,
// keyed by that number; the 24 MiB one is hashed once and cloned.
func prefixes(t testing.TB, lengths ...int) map[int]hash.Hash {
	t.Helper()
	m := make(map[int]hash.Hash)
	for _, n := range lengths {
		if n == chunkSize {
			h := sha512.New()
			if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(chunkPrefix()); err != nil {
				t.Fatal(err)
			}
			m[n] = h
			continue
		}
		h := sha512.New()
		h.Write(data(n, 7))
		m[n] = h
	}
	return m
}

// chunkPrefix is the state of a SHA-512 that has taken a chunk of
// data(chunkSize, 7), hashed once per test binary rather than once per
// test that asks prefixes for it. Each caller gets a hash of its own.
var chunkPrefix = sync.OnceValue(func() []byte {
	h := sha512.New()
	h.Write(data(chunkSize, 7))
	enc, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic(err)
	}
	return enc
})

// check writes p through writeTwo to clones of a and b and through two
// plain writes to other clones, and fails unless both sums agree.
func check(t *testing.T, a, b hash.Hash, p []byte, kernel bool) {
	t.Helper()
	checkTwo(t, a, p, b, p, kernel)
}

// checkTwo writes pa and pb through writeTwo to clones of a and b and
// through plain writes to other clones, and fails unless both sums
// agree, then and after more plain writes.
func checkTwo(t testing.TB, a hash.Hash, pa []byte, b hash.Hash, pb []byte, kernel bool) {
	t.Helper()
	gotA, gotB, wantA, wantB := clone(t, a), clone(t, b), clone(t, a), clone(t, b)
	writeTwo(gotA, pa, gotB, pb, kernel)
	wantA.Write(pa)
	wantB.Write(pb)
	if !bytes.Equal(gotA.Sum(nil), wantA.Sum(nil)) {
		t.Fatalf("lengths %d, %d: first hash's sum differs from a plain write's", len(pa), len(pb))
	}
	if !bytes.Equal(gotB.Sum(nil), wantB.Sum(nil)) {
		t.Fatalf("lengths %d, %d: second hash's sum differs from a plain write's", len(pa), len(pb))
	}
	// The hashes go on as the plain ones do.
	gotA.Write(pa[:len(pa)/2])
	wantA.Write(pa[:len(pa)/2])
	gotB.Write(pb[:len(pb)/3])
	wantB.Write(pb[:len(pb)/3])
	if !bytes.Equal(gotA.Sum(nil), wantA.Sum(nil)) || !bytes.Equal(gotB.Sum(nil), wantB.Sum(nil)) {
		t.Fatalf("lengths %d, %d: the hashes' states after writeTwo differ from plain writes'", len(pa), len(pb))
	}
}

// TestWriteLengths writes every length from 0 to 600 with the two hashes
// at various block boundaries, and with a partial block buffered in one
// or both, which must take the plain writes.
func TestWriteLengths(t *testing.T) {
	pre := prefixes(t, 0, 5, 128, 133, 1024, chunkSize, chunkSize+128)
	tests := []struct {
		name   string
		offA   int
		offB   int
		stride int
	}{
		{"both fresh", 0, 0, 1},
		{"second one block ahead", 0, 128, 1},
		{"first one block ahead", 128, 0, 1},
		{"chunk and archive", 0, chunkSize, 1},
		{"chunk and archive, later", 1024, chunkSize + 128, 1},
		{"first with a partial block", 5, chunkSize, 3},
		{"second with a partial block", 1024, 133, 3},
		{"both with partial blocks", 133, 5, 3},
	}
	p := data(600, 1)
	for _, kernel := range modes() {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s", modeName(kernel), tt.name), func(t *testing.T) {
				for n := 0; n <= len(p); n += tt.stride {
					check(t, pre[tt.offA], pre[tt.offB], p[:n], kernel)
				}
			})
		}
	}
}

// TestWriteLong writes lengths around the 1 MiB a kernel call takes at
// most.
func TestWriteLong(t *testing.T) {
	pre := prefixes(t, 0, 128, chunkSize)
	const mib = 1 << 20
	p := data(3*mib+256, 2)
	lengths := []int{
		mib - 129, mib - 128, mib - 1, mib, mib + 1, mib + 127, mib + 128, mib + 129,
		2*mib - 128, 2*mib + 128 + 5, 3*mib + 77,
	}
	for _, kernel := range modes() {
		for _, n := range lengths {
			t.Run(fmt.Sprintf("%s/%d", modeName(kernel), n), func(t *testing.T) {
				check(t, pre[0], pre[chunkSize], p[:n], kernel)
				check(t, pre[128], pre[0], p[1:n+1], kernel)
			})
		}
	}
}

// TestWriteVectors checks sums against FIPS 180-4's example values (and
// the long message of NIST's test vectors), independently of
// crypto/sha512's blocks; the first hash is fresh, the second has taken
// a 24 MiB chunk.
func TestWriteVectors(t *testing.T) {
	tests := []struct {
		name, msg, sum string
	}{
		{"abc", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
		{"896 bits", "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
			"8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
		{"a million a", strings.Repeat("a", 1_000_000), "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
	}
	chunk := prefixes(t, chunkSize)[chunkSize]
	for _, kernel := range modes() {
		for _, tt := range tests {
			t.Run(modeName(kernel)+"/"+tt.name, func(t *testing.T) {
				a, b := sha512.New(), clone(t, chunk)
				writeTwo(a, []byte(tt.msg), b, []byte(tt.msg), kernel)
				if got := hex.EncodeToString(a.Sum(nil)); got != tt.sum {
					t.Errorf("sum %s, want %s", got, tt.sum)
				}
				c := sha512.New()
				writeTwo(c, []byte(tt.msg), sha512.New(), []byte(tt.msg), kernel)
				if got := hex.EncodeToString(c.Sum(nil)); got != tt.sum {
					t.Errorf("with a fresh second hash: sum %s, want %s", got, tt.sum)
				}
			})
		}
	}
}

// apis lists the two ways in: Write, with the same bytes for both
// hashes, and WriteTwo, with two messages.
var apis = []struct {
	name  string
	write func(a hash.Hash, pa []byte, b hash.Hash, pb []byte)
	same  bool // pb is pa
}{
	{"Write", func(a hash.Hash, pa []byte, b hash.Hash, _ []byte) { Write(a, b, pa) }, true},
	{"WriteTwo", WriteTwo, false},
}

// TestWriteOtherHashes gives Write and WriteTwo hashes whose state they
// do not know, or the same hash twice: they must write to each as plain
// writes in order would. A pair of SHA-512 hashes, which the kernel
// takes, is the control.
func TestWriteOtherHashes(t *testing.T) {
	tests := []struct {
		name string
		a, b func() hash.Hash
	}{
		{"SHA-512, the kernel's", sha512.New, sha512.New},
		{"SHA-384", sha512.New384, sha512.New384},
		{"SHA-512/256 and SHA-512", sha512.New512_256, sha512.New},
		{"SHA-512 and SHA-256", sha512.New, sha256.New},
	}
	for _, api := range apis {
		pa, pb := data(1000, 4), data(700, 18)
		if api.same {
			pb = pa
		}
		for _, tt := range tests {
			t.Run(api.name+"/"+tt.name, func(t *testing.T) {
				a, b, wantA, wantB := tt.a(), tt.b(), tt.a(), tt.b()
				api.write(a, pa, b, pb)
				wantA.Write(pa)
				wantB.Write(pb)
				if !bytes.Equal(a.Sum(nil), wantA.Sum(nil)) || !bytes.Equal(b.Sum(nil), wantB.Sum(nil)) {
					t.Fatal("sums differ from two plain writes'")
				}
			})
		}
		t.Run(api.name+"/same hash twice", func(t *testing.T) {
			h, want := sha512.New(), sha512.New()
			api.write(h, pa, h, pb)
			want.Write(pa)
			want.Write(pb)
			if !bytes.Equal(h.Sum(nil), want.Sum(nil)) {
				t.Fatal("sum differs from two plain writes in order")
			}
		})
	}
}

// TestWriteAllocs checks that Write and WriteTwo cost at most one small
// allocation, their state buffer, however long the messages are, and
// that the sums come out right.
func TestWriteAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, api := range apis {
		t.Run(api.name, func(t *testing.T) {
			a, b, wantA, wantB := sha512.New(), sha512.New(), sha512.New(), sha512.New()
			b.Write(data(128, 9))
			wantB.Write(data(128, 9))
			pa, pb := data(1<<20, 5), data(1<<20, 20)
			if api.same {
				pb = pa
			}
			runs := 0
			if n := testing.AllocsPerRun(10, func() { api.write(a, pa, b, pb); runs++ }); n > 1 {
				t.Errorf("%v allocations per call, want at most 1", n)
			}
			for range runs {
				wantA.Write(pa)
				wantB.Write(pb)
			}
			if !bytes.Equal(a.Sum(nil), wantA.Sum(nil)) || !bytes.Equal(b.Sum(nil), wantB.Sum(nil)) {
				t.Error("sums differ from plain writes'")
			}
		})
	}
}

// FuzzWrite compares write with two plain writes for hashes that have
// taken whole blocks first.
func FuzzWrite(f *testing.F) {
	f.Add(uint8(0), uint8(1), []byte("abc"))
	f.Add(uint8(3), uint8(0), data(129, 6))
	f.Add(uint8(1), uint8(2), data(1000, 6))
	f.Fuzz(func(t *testing.T, blocksA, blocksB uint8, p []byte) {
		pre := data(int(max(blocksA, blocksB))*blockSize, 8)
		a, b := sha512.New(), sha512.New()
		a.Write(pre[:int(blocksA)*blockSize])
		b.Write(pre[:int(blocksB)*blockSize])
		for _, kernel := range modes() {
			check(t, a, b, p, kernel)
		}
	})
}
