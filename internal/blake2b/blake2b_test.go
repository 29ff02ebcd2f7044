package blake2b

import (
	"bytes"
	"encoding/hex"
	"errors"
	"hash"
	"math/rand/v2"
	"strings"
	"testing"

	xblake2b "golang.org/x/crypto/blake2b"
)

// TestVectors checks published BLAKE2b-512 checksums: RFC 7693's
// Appendix A ("abc"), and others that coreutils' b2sum, an independent
// C implementation, gives.
func TestVectors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"},
		{"RFC 7693 appendix A", "abc", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"},
		{"fox", "The quick brown fox jumps over the lazy dog", "a8add4bdddfd93e4877d2746e62817b116364a1fa7bc148d95090bc7333b3673f82401cf7aa2e4cb1ecd90296e3f14cb5413f8ed77be73045b13914cdcd6a918"},
		{"a million a", strings.Repeat("a", 1000000), "98fb3efb7206fd19ebf69b6f312cf7b64e3b94dbe1a17107913975a793f177e1d077609d7fba363cbba00d05f7aa4e4fa8715d6428104c0a75643b0ff3fd3eaf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := Sum512([]byte(tt.in))
			if got := hex.EncodeToString(sum[:]); got != tt.want {
				t.Errorf("Sum512 = %s, want %s", got, tt.want)
			}
			h := mustNew512(t)
			h.Write([]byte(tt.in))
			if got := hex.EncodeToString(h.Sum(nil)); got != tt.want {
				t.Errorf("New512 = %s, want %s", got, tt.want)
			}
		})
	}
}

func mustNew512(t testing.TB) hash.Hash {
	t.Helper()
	h, err := New512(nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func xSum512(data []byte) []byte {
	sum := xblake2b.Sum512(data)
	return sum[:]
}

// testLengths are every length up to 300, the lengths around each of
// the first 20 block boundaries, and 24 MiB (one chunk of a backup).
func testLengths() []int {
	var ns []int
	for n := range 301 {
		ns = append(ns, n)
	}
	for k := 3; k <= 20; k++ {
		ns = append(ns, k*BlockSize-1, k*BlockSize, k*BlockSize+1)
	}
	return append(ns, 24<<20)
}

// TestMatchesXCrypto compares every way of hashing here with x/crypto's
// Sum512 over many lengths: Sum512, one Write, random split Writes with
// a Sum in between (Sum must not change the state) and a Reset digest.
func TestMatchesXCrypto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := data(24<<20, 1)
	h := mustNew512(t)
	for _, n := range testLengths() {
		msg := data[:n]
		want := xSum512(msg)
		if got := Sum512(msg); !bytes.Equal(got[:], want) {
			t.Fatalf("Sum512 of %d bytes: %x, want %x", n, got, want)
		}
		h.Reset()
		h.Write(msg)
		if got := h.Sum(nil); !bytes.Equal(got, want) {
			t.Fatalf("one Write of %d bytes: %x, want %x", n, got, want)
		}
		h.Reset()
		// x/crypto's digest takes the same writes, so that its Sum is
		// x/crypto's Sum512 of the bytes written so far without hashing
		// them again from the start at every check (24 MiB each time).
		ref, err := xblake2b.New512(nil)
		if err != nil {
			t.Fatal(err)
		}
		rest := msg
		for i := 0; len(rest) > 0; i++ {
			k := rng.IntN(min(len(rest), 3*BlockSize) + 1)
			if i%4 == 3 && len(rest) > 1<<16 {
				k = rng.IntN(len(rest) + 1) // some long writes too
			}
			if nw, err := h.Write(rest[:k]); nw != k || err != nil {
				t.Fatalf("Write(%d bytes) = %d, %v", k, nw, err)
			}
			ref.Write(rest[:k])
			rest = rest[k:]
			if i%7 == 0 {
				done := len(msg) - len(rest)
				if got := h.Sum([]byte("prefix")); !bytes.Equal(got, ref.Sum([]byte("prefix"))) {
					t.Fatalf("Sum after %d of %d bytes: %x", done, n, got)
				}
			}
		}
		if got := h.Sum(nil); !bytes.Equal(got, want) {
			t.Fatalf("split Writes of %d bytes: %x, want %x", n, got, want)
		}
	}
}

// TestCounterCarry starts with a byte counter 128 short of 2^64, so that
// the counter carries into its high word (and the final block's count
// borrows back). The sums are x/crypto v0.59.0's generic code's (go test
// -tags purego), its state set through its MarshalBinary form: its amd64
// assembly cannot be the reference here, as it compares the counter as a
// signed number (JGE) and so carries wrongly from 2^63 bytes on.
func TestCounterCarry(t *testing.T) {
	data := make([]byte, 3*BlockSize+1)
	for i := range data {
		data[i] = byte(i * 7)
	}
	tests := []struct {
		n    int
		want string
	}{
		{0, "1a9ac920f63a2a9238fbab4daf78968443ad234beb7ee92622dd01cac985431b996110a193b6784717a77ee8dc80807a8ef441213b05d3174878d003fe2889f3"},
		{1, "8760ae71e565fd9a17f1b091e21dadd6c96aa407eceedd635ed1030d419996625886d13de8f6ac6da4d5bfd74cbcc594ef7b7f7232e42cdc3fa9625588fbe502"},
		{127, "dd220a47fa2a5d6b000a1821eab890e161269349541c8fedbf210fe488d687ee500645ecb07d14b5a2af90d6e04b216b5713bb61b75926e7618be019485c4d98"},
		{128, "f4bacbbcbf44ef10bc986258430de8bb61a7f18e18ed21faf7ccedb7156222b1d0470b66069bc9cda24ebaf9164f1470d4088713d29be443731195327d73a2a4"},
		{129, "0ced75ed198340400244810452226f4cafdf8056e148d57afc1dd8110c289fe908e0554b5cebd9591aebfbd2a416945afaa656a60f4b8a4fe6a202d9baaefac2"},
		{256, "b85527f9efb4b39a99d5aef83ee205f97fa3c955de87339830bd023411e025539510c9be0565ab3766067a6831be27ed73c99843ae3db8198cdd945d8a602317"},
		{385, "b96e866471957023b2868e14db9830a4a3255213744c75a99edb2e15b3655c592490c202b4aa6755d556e9a3d68cd8157899ed797a60400ff725c4e82d0af07a"},
	}
	for _, tt := range tests {
		d := mustNew512(t).(*digest)
		d.c[0] = 1<<64 - BlockSize
		d.Write(data[:tt.n])
		if got := hex.EncodeToString(d.Sum(nil)); got != tt.want {
			t.Errorf("%d bytes after 2^64-128: %s, want %s", tt.n, got, tt.want)
		}
	}
}

func TestNew512(t *testing.T) {
	if _, err := New512([]byte{}); err != nil {
		t.Errorf("New512(empty key): %v", err)
	}
	if _, err := New512([]byte{1}); !errors.Is(err, ErrKeyed) {
		t.Errorf("New512(key) error = %v, want ErrKeyed", err)
	}
	h := mustNew512(t)
	if h.Size() != Size || h.BlockSize() != BlockSize {
		t.Errorf("Size, BlockSize = %d, %d, want %d, %d", h.Size(), h.BlockSize(), Size, BlockSize)
	}
}

// FuzzMatchesXCrypto compares Sum512 and two Writes split at a fuzzed
// point with x/crypto's Sum512.
func FuzzMatchesXCrypto(f *testing.F) {
	f.Add([]byte{}, uint16(0))
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{0xff}, BlockSize), uint16(BlockSize))
	f.Add(bytes.Repeat([]byte{1, 2, 3}, 2*BlockSize/3+1), uint16(BlockSize+1))
	f.Add(bytes.Repeat([]byte{9}, 5*BlockSize+17), uint16(2*BlockSize-1))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		want := xSum512(data)
		if got := Sum512(data); !bytes.Equal(got[:], want) {
			t.Fatalf("Sum512: %x, want %x", got, want)
		}
		k := int(split) % (len(data) + 1)
		h := mustNew512(t)
		h.Write(data[:k])
		h.Write(data[k:])
		if got := h.Sum(nil); !bytes.Equal(got, want) {
			t.Fatalf("Writes split at %d: %x, want %x", k, got, want)
		}
	})
}

// BenchmarkSum512 hashes one backup chunk (24 MiB) through hash.Hash,
// as the backup format does, here and with x/crypto (its assembly on
// amd64 unless built with -tags purego).
func BenchmarkSum512(b *testing.B) {
	const size = 24 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 131)
	}
	news := []struct {
		name string
		new  func([]byte) (hash.Hash, error)
	}{
		{"internal", New512},
		{"x-crypto", xblake2b.New512},
	}
	for _, n := range news {
		b.Run(n.name, func(b *testing.B) {
			h, err := n.new(nil)
			if err != nil {
				b.Fatal(err)
			}
			sum := make([]byte, 0, Size)
			b.SetBytes(size)
			for b.Loop() {
				h.Reset()
				h.Write(data)
				sum = h.Sum(sum[:0])
			}
		})
	}
}
