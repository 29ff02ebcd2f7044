//go:build amd64 && !purego

package sha512pair

import "golang.org/x/sys/cpu"

//go:generate go run gen.go

// hasKernel reports whether this CPU runs blocks: it needs AVX-512F and
// AVX-512VL for the rounds and BMI2's RORX for the message schedule.
func hasKernel() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasBMI2
}

// blocks runs SHA-512's compression function over the whole 128-byte
// blocks of p for two states at once: h[2*i] is word i of the first
// state's chain value, h[2*i+1] the second's.
//
//go:noescape
func blocks(h *[16]uint64, p []byte)
