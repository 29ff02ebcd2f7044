package main

import (
	"fmt"
	"strconv"
	"strings"
)

// parseSize reads a size such as "500M", "20G", "1.5T" or a plain number
// of bytes; the units are binary (K = 1024).
func parseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v <= 0 || v*float64(mult) >= 1<<62 {
		return 0, fmt.Errorf("%q is not a size (use a number of bytes, or one with K, M, G or T)", s)
	}
	return int64(v * float64(mult)), nil
}
