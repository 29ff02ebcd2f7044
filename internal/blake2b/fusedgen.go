// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build ignore

// This file of gen writes fused_amd64.s: SHA-512's compression function
// (FIPS 180-4, section 6.4.2) over the blocks of one message and
// BLAKE2b's over those of another, in one instruction stream. Each hash
// is bound by the latency of its own dependency chains; written
// interleaved, the two chains fill each other's stalls.
//
// BLAKE2b's work vector stands in the low lanes of X0-X15 as in
// pair_amd64.s (the high lanes compute nothing of use), its message
// words broadcast from the block. SHA-512's rounds run on the scalar
// ALUs, with RORX and ANDN as in crypto/sha512's AVX2 code; its message
// schedule, two words at a time, on the vector units, in X26-X31.
package main

import (
	"bytes"
	"fmt"
	"log"
	"math/big"
	"os"
	"strings"
)

// shaK returns SHA-512's round constants (FIPS 180-4, section 4.2.3):
// the first 64 bits of the fractional parts of the cube roots of the
// first 80 primes, computed rather than copied from sha512pair's gen.
func shaK() [80]uint64 {
	var k [80]uint64
	mask := new(big.Int).SetUint64(^uint64(0))
	for i, n := 0, int64(2); i < len(k); n++ {
		if !big.NewInt(n).ProbablyPrime(0) {
			continue
		}
		// floor(cbrt(n * 2^192)) by Newton's method on integers.
		a := new(big.Int).Lsh(big.NewInt(n), 192)
		r := new(big.Int).Lsh(big.NewInt(1), 70) // above the root
		for {
			// r' = (2r + a/r^2) / 3
			q := new(big.Int).Quo(a, new(big.Int).Mul(r, r))
			q.Add(q, new(big.Int).Lsh(r, 1))
			q.Quo(q, big.NewInt(3))
			if q.Cmp(r) >= 0 {
				break
			}
			r = q
		}
		k[i] = new(big.Int).And(r, mask).Uint64()
		i++
	}
	return k
}

// Frame layout of the fused kernel: w[t] for t < 80, w[t]+k[t], w[t]
// again stored in pairs from odd t (see shaSchedule), and the end of p's
// blocks.
const (
	fwOff   = 0
	fkwOff  = 8 * 80
	foddOff = 16 * 80
	fEnd    = 24 * 80
	fFrame  = fEnd + 8
)

// sv names the register of SHA-512's working variable j (0 for a ... 7
// for h) in round t: the variables move one register along each round
// instead of being copied.
func sv(j, t int) string { return fmt.Sprintf("R%d", 8+((j-t)%8+8)%8) }

// shaRound returns round t of SHA-512 on the scalar registers. CX and
// DX take turns holding a^b, which is the next round's b^c for Maj =
// ((a^b) & (b^c)) ^ b.
func shaRound(t int) []string {
	a, b, d, e, f, g, h := sv(0, t), sv(1, t), sv(3, t), sv(4, t), sv(5, t), sv(6, t), sv(7, t)
	ab, bc := "CX", "DX"
	if t%2 == 1 {
		ab, bc = bc, ab
	}
	// d is summed with h + w[t]+k[t] + Ch(e, f, g) while Σ1(e) is
	// computed, then with Σ1: the next e is four operations after e.
	return []string{
		fmt.Sprintf("\t// SHA-512 round %d", t),
		fmt.Sprintf("\tADDQ %d(SP), %s", fkwOff+8*t, h),
		fmt.Sprintf("\tANDNQ %s, %s, AX", g, e),
		fmt.Sprintf("\tADDQ AX, %s", h),
		fmt.Sprintf("\tMOVQ %s, BX", e),
		fmt.Sprintf("\tANDQ %s, BX", f),
		fmt.Sprintf("\tADDQ BX, %s", h),
		fmt.Sprintf("\tRORXQ $14, %s, AX", e),
		fmt.Sprintf("\tRORXQ $18, %s, BX", e),
		"\tXORQ BX, AX",
		fmt.Sprintf("\tRORXQ $41, %s, BX", e),
		"\tXORQ BX, AX",
		fmt.Sprintf("\tADDQ %s, %s", h, d),
		fmt.Sprintf("\tADDQ AX, %s", d),
		fmt.Sprintf("\tADDQ AX, %s", h),
		fmt.Sprintf("\tMOVQ %s, %s", a, ab),
		fmt.Sprintf("\tXORQ %s, %s", b, ab),
		fmt.Sprintf("\tANDQ %s, %s", ab, bc),
		fmt.Sprintf("\tXORQ %s, %s", b, bc),
		fmt.Sprintf("\tADDQ %s, %s", bc, h),
		fmt.Sprintf("\tRORXQ $28, %s, AX", a),
		fmt.Sprintf("\tRORXQ $34, %s, BX", a),
		"\tXORQ BX, AX",
		fmt.Sprintf("\tRORXQ $39, %s, BX", a),
		"\tXORQ BX, AX",
		fmt.Sprintf("\tADDQ AX, %s", h),
	}
}

// shaSchedule returns the vector code for w[n] and w[n+1] (n even, at
// least 16) and their sums with k[n], k[n+1]. The pair w[n-2], w[n-1]
// is in X31 for n/2 even, X30 for n/2 odd, and the new pair goes into
// the other. The pairs w[t], w[t+1] for odd t are also stored as one,
// in the frame's odd copy of w, for the loads of w[n-15] and w[n-7]
// to be forwarded from one store rather than wait for two.
func shaSchedule(n int) []string {
	w := func(t int) string { return fmt.Sprintf("%d(SP)", fwOff+8*t) }
	odd := func(t int) string { return fmt.Sprintf("%d(SP)", foddOff+8*t) }
	prev, next := "X31", "X30"
	if n/2%2 == 1 {
		prev, next = next, prev
	}
	return []string{
		fmt.Sprintf("\t// w[%d], w[%d]", n, n+1),
		fmt.Sprintf("\tVMOVDQU64 %s, X26", odd(n-15)),
		"\tVPRORQ $1, X26, X27",
		"\tVPRORQ $8, X26, X28",
		"\tVPSRLQ $7, X26, X26",
		"\tVPTERNLOGQ $0x96, X28, X27, X26",
		fmt.Sprintf("\tVPADDQ %s, X26, X26", w(n-16)),
		fmt.Sprintf("\tVPADDQ %s, X26, X26", odd(n-7)),
		fmt.Sprintf("\tVPRORQ $19, %s, X27", prev),
		fmt.Sprintf("\tVPRORQ $61, %s, X28", prev),
		fmt.Sprintf("\tVPSRLQ $6, %s, X29", prev),
		"\tVPTERNLOGQ $0x96, X28, X27, X29",
		fmt.Sprintf("\tVPADDQ X29, X26, %s", next),
		fmt.Sprintf("\tVMOVDQU64 %s, %s", next, w(n)),
		fmt.Sprintf("\tVPALIGNR $8, %s, %s, X28", prev, next),
		fmt.Sprintf("\tVMOVDQU64 X28, %s", odd(n-1)),
		fmt.Sprintf("\tVPADDQ k512<>+%d(SB), %s, X26", 8*n, next),
		fmt.Sprintf("\tVMOVDQU64 X26, %d(SP)", fkwOff+8*n),
	}
}

// merge interleaves two instruction lists evenly.
func merge(a, b []string) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		// Take from a while it is behind b in proportion.
		if j == len(b) || (i < len(a) && i*len(b) <= j*len(a)) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

// writeFused writes fused_amd64.s.
func writeFused() {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p(`// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Code generated by gen.go; DO NOT EDIT.

//go:build amd64 && !purego

#include "textflag.h"
`)
	p("// k512 holds SHA-512's round constants.")
	for t, c := range shaK() {
		p("DATA k512<>+%d(SB)/8, $%#016x", 8*t, c)
	}
	p("GLOBL k512<>(SB), RODATA|NOPTR, $640")
	p("\n// fiv holds BLAKE2b's initialization vector.")
	for i, c := range iv {
		p("DATA fiv<>+%d(SB)/8, $%#016x", 8*i, c)
	}
	p("GLOBL fiv<>(SB), RODATA|NOPTR, $64")
	p("\n// bswap64 reverses the bytes of each 64-bit word (VPSHUFB).")
	for i := range 8 {
		p("DATA bswap64<>+%d(SB)/8, $%#016x", 8*i, uint64(0x0001020304050607)+uint64(0x0808080808080808)*uint64(i%2))
	}
	p("GLOBL bswap64<>(SB), RODATA|NOPTR, $64")
	p("\n// fstep is the 128 bytes BLAKE2b's counter goes up by a block.")
	p("DATA fstep<>+0(SB)/8, $128")
	p("GLOBL fstep<>(SB), RODATA|NOPTR, $8")
	p(`
// func fused(sh, bh *[8]uint64, bc *[2]uint64, p, q []byte)
//
// Registers: SI the block of p (SHA-512), DI that of q (BLAKE2b);
// R8-R15 SHA-512's working variables, AX, BX, CX, DX its scratch;
// X0-X15 BLAKE2b's work vector, X16-X23 its chain value, X24 the low
// word of its counter, X25 the high word XORed into iv[5], all in the
// low lanes; X26-X31 SHA-512's message schedule.
TEXT ·fused(SB), 0, $%d-72
	MOVQ p_base+24(FP), SI
	MOVQ p_len+32(FP), DX
	MOVQ q_base+48(FP), DI
	ANDQ $~127, DX
	JZ   done
	ADDQ SI, DX
	MOVQ DX, %d(SP)
	MOVQ sh+0(FP), AX`, fFrame, fEnd)
	for j := range 8 {
		p("\tMOVQ %d(AX), %s", 8*j, sv(j, 0))
	}
	p("\tMOVQ bh+8(FP), AX")
	for i := range 8 {
		p("\tVPBROADCASTQ %d(AX), X%d", 8*i, 16+i)
	}
	p("\tMOVQ bc+16(FP), AX")
	p("\tVPBROADCASTQ 0(AX), X24")
	p("\tVPBROADCASTQ 8(AX), X25")
	p("\tVPXORQ.BCST fiv<>+40(SB), X25, X25")
	p("\nblock:")
	p("\t// w[0..15] of p's block, big-endian, and w[t]+k[t]")
	for half := range 2 {
		p("\tVMOVDQU64 %d(SI), Z26", 64*half)
		p("\tVPSHUFB bswap64<>(SB), Z26, Z26")
		p("\tVMOVDQU64 Z26, %d(SP)", fwOff+64*half)
		p("\tVMOVDQU64 Z26, %d(SP)", foddOff+64*half)
		p("\tVPADDQ k512<>+%d(SB), Z26, Z27", 64*half)
		p("\tVMOVDQU64 Z27, %d(SP)", fkwOff+64*half)
	}
	p("\tVMOVDQU64 %d(SP), X31", fwOff+8*14)
	p("\tMOVQ %s, DX", sv(1, 0))
	p("\tXORQ %s, DX", sv(2, 0))
	p("\t// BLAKE2b's work vector")
	p("\tVPADDQ.BCST fstep<>(SB), X24, X24")
	for i := range 8 {
		p("\tVMOVDQA64 X%d, X%d", 16+i, i)
	}
	for i := range 4 {
		p("\tVPBROADCASTQ fiv<>+%d(SB), X%d", 8*i, 8+i)
	}
	p("\tVPXORQ.BCST fiv<>+32(SB), X24, X12")
	p("\tVMOVDQA64 X25, X13")
	p("\tVPBROADCASTQ fiv<>+48(SB), X14")
	p("\tVPBROADCASTQ fiv<>+56(SB), X15")

	var sha []string
	for t := range 80 {
		sha = append(sha, shaRound(t)...)
		if t%2 == 0 && t+16 < 80 {
			sha = append(sha, shaSchedule(t+16)...)
		}
	}
	var blake []string
	for r := range 12 {
		blake = append(blake, roundLines(r, func(w int, a string) string {
			return fmt.Sprintf("VPADDQ.BCST %d(DI), %s, %s", 8*w, a, a)
		})...)
	}
	for _, l := range merge(sha, blake) {
		p("%s", l)
	}
	p("\n\t// BLAKE2b: h ^= v[0..7] ^ v[8..15]; SHA-512: h += a..h")
	for i := range 8 {
		p("\tVPTERNLOGQ $0x96, X%d, X%d, X%d", i+8, i, 16+i)
	}
	p("\tMOVQ sh+0(FP), AX")
	for j := range 8 {
		p("\tADDQ %d(AX), %s", 8*j, sv(j, 0))
		p("\tMOVQ %s, %d(AX)", sv(j, 0), 8*j)
	}
	p(`	ADDQ $128, SI
	ADDQ $128, DI
	CMPQ SI, %d(SP)
	JB   block
	MOVQ bh+8(FP), AX`, fEnd)
	for i := range 8 {
		p("\tVMOVQ X%d, %d(AX)", 16+i, 8*i)
	}
	p("\tMOVQ bc+16(FP), AX")
	p("\tVMOVQ X24, 0(AX)")
	p(`	VZEROUPPER

done:
	RET`)
	out := strings.ReplaceAll(b.String(), "\t\n", "\n")
	if err := os.WriteFile("fused_amd64.s", []byte(out), 0o644); err != nil {
		log.Fatal(err)
	}
}
