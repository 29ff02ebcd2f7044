//go:build !amd64 || purego

package blake2b

// hasKernel reports whether this build has a kernel: this one has none.
func hasKernel() bool { return false }

// blocks2 is never called without a kernel.
func blocks2(h *[16]uint64, c *[4]uint64, p, q []byte) { panic("blake2b: no kernel") }
