package main

import (
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/backup"

	"github.com/urfave/cli/v2"
)

func restoreCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "restore",
		Usage:     "decrypt a backup into an empty or new folder",
		ArgsUsage: "FILE|DEST/NAME",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "the `DIR` to restore into; it must be absent or empty (required)"},
			&cli.StringFlag{Name: "max-size", Usage: "write at most `SIZE` (such as 20G); the default is 32 times the backup's size, at least 256 MiB"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			arg, err := oneArg(c, "backup FILE")
			if err != nil {
				return err
			}
			if err := requireFlags(c, "to"); err != nil {
				return err
			}
			var opts backup.RestoreOptions
			if s := c.String("max-size"); s != "" {
				if opts.MaxSize, err = parseSize(s); err != nil {
					return usageError(fmt.Errorf("--max-size: %w", err))
				}
			}
			pw, err := e.passwordOrPrompt(c, "restore")
			if err != nil {
				return err
			}
			a, done, err := e.openArchive(c.Context, arg)
			if err != nil {
				return err
			}
			defer done()
			pw, canonical, err := a.AcceptedPassword(c.Context, pw)
			if err != nil {
				return err
			}
			to := c.String("to")
			res, err := a.RestoreWith(c.Context, pw, to, opts)
			if res != nil && res.Reclaimed.Items > 0 {
				fmt.Fprintf(e.stderr, "Removed %d folder(s) left by interrupted restores beside %s (%s)\n",
					res.Reclaimed.Items, to, humanBytes(res.Reclaimed.Bytes))
			}
			if errors.Is(err, backup.ErrTooLarge) {
				return fmt.Errorf("restore %s: %w (if you trust this backup, raise the limit with --max-size)", arg, err)
			}
			if err != nil {
				return backupExit(fmt.Errorf("restore %s: %w", arg, err))
			}
			e.noteCanonical(canonical)
			fmt.Fprintf(e.stdout, "Restored %s into %s\n", arg, to)
			return nil
		},
	}
}
