//go:build !amd64 || purego

package sha512pair

// hasKernel reports whether this build has a kernel: this one has none.
func hasKernel() bool { return false }

// blocks2 is never called without a kernel.
func blocks2(h *[16]uint64, p, q []byte) { panic("sha512pair: no kernel") }
