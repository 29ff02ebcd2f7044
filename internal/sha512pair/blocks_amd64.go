//go:build amd64 && !purego

package sha512pair

import "golang.org/x/sys/cpu"

//go:generate go run gen.go

// hasKernel reports whether this CPU runs blocks2: it needs AVX-512F
// and AVX-512VL for the rounds and BMI2's RORX for the message
// schedules.
func hasKernel() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasBMI2
}

// blocks2 runs SHA-512's compression function for two states at once
// over two messages: the first state, h[2*i] being word i of its chain
// value, over the whole 128-byte blocks of p, the second, h[2*i+1],
// over as many blocks of q, which must be at least as long. p and q may
// be the same bytes.
//
//go:noescape
func blocks2(h *[16]uint64, p, q []byte)
