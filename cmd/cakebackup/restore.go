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
			maxSizeFlag(),
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			arg, err := oneArg(c, "backup FILE")
			if err != nil {
				return err
			}
			if err := requireFlags(c, "to"); err != nil {
				return err
			}
			opts, err := restoreOptions(c)
			if err != nil {
				return err
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
				return tooLargeHint(fmt.Errorf("restore %s: %w", arg, err))
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
