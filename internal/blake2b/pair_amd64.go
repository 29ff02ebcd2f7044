//go:build amd64 && !purego

package blake2b

import "golang.org/x/sys/cpu"

// hasKernel reports whether this CPU runs blocks2: it needs AVX-512F
// and AVX-512VL (VPRORQ and VPTERNLOGQ on XMM registers).
func hasKernel() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
}

// blocks2 runs BLAKE2b's compression function, without the final flag,
// for two states at once over two messages: the first state, h[2*i]
// being word i of its chain value and c[0], c[2] its counter, over the
// whole 128-byte blocks of p; the second, h[2*i+1], c[1], c[3], over as
// many blocks of q, which must be at least as long. It adds 128 to c[0]
// and c[1] a block; the caller makes sure that they do not wrap.
//
//go:noescape
func blocks2(h *[16]uint64, c *[4]uint64, p, q []byte)
