package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
)

func restoreCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "restore",
		Usage:     "decrypt a backup into an empty or new folder",
		ArgsUsage: "FILE|DEST/NAME",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "the `DIR` to restore into; it must be absent or empty (required)"},
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			arg, err := oneArg(c, "backup FILE")
			if err != nil {
				return err
			}
			if err := requireFlags(c, "to"); err != nil {
				return err
			}
			pw, err := e.passwordOrPrompt(c, "restore")
			if err != nil {
				return err
			}
			r, err := e.openStored(c.Context, arg)
			if err != nil {
				return err
			}
			defer r.Close()
			a, err := backup.Open(r, r.Size())
			if err != nil {
				return backupExit(fmt.Errorf("%s: %w", arg, err))
			}
			to := c.String("to")
			if err := a.Restore(c.Context, pw, to); err != nil {
				return backupExit(fmt.Errorf("restore %s: %w", arg, err))
			}
			fmt.Fprintf(e.stdout, "Restored %s into %s\n", arg, to)
			return nil
		},
	}
}
