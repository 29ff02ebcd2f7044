//go:build amd64 && !purego

package blake2b

import "golang.org/x/sys/cpu"

// hasFused reports whether this CPU runs fused: it needs AVX-512F, VL
// and BW (VPRORQ and VPTERNLOGQ on XMM registers, VPSHUFB on ZMM ones),
// BMI1's ANDN and BMI2's RORX.
func hasFused() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512BW &&
		cpu.X86.HasBMI1 && cpu.X86.HasBMI2
}

// fused runs SHA-512's compression function with chain value sh over
// the whole 128-byte blocks of p and, in the same instruction stream,
// BLAKE2b's, without the final flag, with chain value bh and counter bc
// over as many blocks of q, which must be at least as long. It adds 128
// to bc[0] a block; the caller makes sure that it does not wrap.
//
//go:noescape
func fused(sh, bh *[8]uint64, bc *[2]uint64, p, q []byte)
