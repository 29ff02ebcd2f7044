//go:build !amd64 || purego

package blake2b

// hasFused reports whether this build has the fused kernel: this one has
// none.
func hasFused() bool { return false }

// fused is never called without a kernel.
func fused(sh, bh *[8]uint64, bc *[2]uint64, p, q []byte) { panic("blake2b: no kernel") }
