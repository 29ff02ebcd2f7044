// Package bytesize writes sizes for people, in binary units: the one
// format every message and listing of cakebackup uses.
package bytesize

import "fmt"

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
