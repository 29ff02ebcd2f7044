package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/urfave/cli/v2"
)

// maxSizeFlag is restore's limit on what it writes; verify takes it too,
// so that it checks what that restore would accept.
func maxSizeFlag() cli.Flag {
	return &cli.StringFlag{Name: "max-size", Usage: "write at most `SIZE` on restore (such as 20G); the default is 32 times the backup's size, at least 256 MiB"}
}

// restoreOptions reads --max-size.
func restoreOptions(c *cli.Context) (backup.RestoreOptions, error) {
	var opts backup.RestoreOptions
	if s := c.String("max-size"); s != "" {
		n, err := parseSize(s)
		if err != nil {
			return opts, usageError(fmt.Errorf("--max-size: %w", err))
		}
		opts.MaxSize = n
	}
	return opts, nil
}

// tooLargeHint adds the flag that raises the limit to ErrTooLarge.
func tooLargeHint(err error) error {
	return fmt.Errorf("%w (if you trust this backup, raise the limit with --max-size)", err)
}

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
