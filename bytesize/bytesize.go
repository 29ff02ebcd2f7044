// Package bytesize writes sizes for people, in binary units: the one
// format every message and listing of cakebackup uses.
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// Format renders n as "512 B", "3.4 MiB", "1.2 GiB".
func Format(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Parse reads a size such as "500M", "20G", "1.5T" or a plain number of
// bytes; the units are binary (K = 1024), and "B", "iB" may follow them.
// A string that is no size above zero is a *SizeError.
func Parse(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	// !(v > 0) refuses NaN too, which int64 would turn into any number.
	if err != nil || !(v > 0) || v*float64(mult) >= 1<<62 || int64(v*float64(mult)) < 1 {
		return 0, &SizeError{Input: s}
	}
	return int64(v * float64(mult)), nil
}

// SizeError is Parse's error for a string that is no size: not a number
// of at least one byte (and under 4 EiB), with or without a unit.
type SizeError struct{ Input string }

// Error implements error.
func (e *SizeError) Error() string {
	return fmt.Sprintf("%q is not a size (use a number of bytes, or one with K, M, G or T)", e.Input)
}
