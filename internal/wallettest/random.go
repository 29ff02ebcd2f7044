package wallettest

import (
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"
)

// Random returns n random bytes for test data: a ChaCha8 stream from a
// random seed, some 25 times faster than crypto/rand for the tens of MiB
// a multi-chunk backup takes, and as unpredictable for what tests do with
// it (nothing compresses it, no two runs share it).
func Random(n int) []byte {
	var seed [32]byte
	rand.Read(seed[:]) // Never fails (crypto/rand's documentation).
	b := make([]byte, n)
	mrand.NewChaCha8(seed).Read(b) // Never fails.
	return b
}

// RandomBytes is Random for a test.
func RandomBytes(t testing.TB, n int) []byte {
	t.Helper()
	return Random(n)
}
