package main

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/check"
)

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check every backup at a destination: size and identity of all, a full read of new, changed and a subset",
		ArgsUsage: "DEST",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "read-data-subset", Usage: "also read in full `N/T` (the N-th of T groups), P% (at random) or SIZE (such as 500M, at random)"},
			&cli.BoolFlag{Name: "rotate", Usage: "with N/T, move on by one group on each check at this destination"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON report"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError(errors.New("check takes one destination, such as proton:/Backups/Cake or folder:/media/usb"))
			}
			opts, err := check.ParseOptions(c.String("read-data-subset"), c.Bool("rotate"))
			switch {
			case errors.Is(err, check.ErrRotateWithoutGroups):
				return usageError(errors.New("--rotate needs --read-data-subset N/T"))
			case err != nil:
				return usageError(fmt.Errorf("--read-data-subset: %w", err))
			}
			dest, err := e.registry().Open(c.Context, c.Args().First())
			if err != nil {
				return err
			}
			defer dest.Close()
			if e.checkDest != nil {
				dest = e.checkDest(dest)
			}
			// The results are recorded in the verification file; a backup that failed is exit code 4.
			rep, err := e.runner().Check(c.Context, dest, opts)
			// No report when the destination could not be listed or a signal cut the check short (check.Run):
			// a read cut short is no backup's result, and run says "interrupted".
			if rep == nil {
				return runnerErr(err)
			}
			// The verdict says more than a missing report (see run).
			return cmp.Or(runnerErr(err), e.printResult(c, rep, rep.WriteText))
		},
	}
}
