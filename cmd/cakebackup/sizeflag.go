package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
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
		n, err := bytesize.Parse(s)
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
