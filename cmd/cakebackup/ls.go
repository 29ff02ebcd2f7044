package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/job"
)

func lsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "ls",
		Usage:     "list the backups at a destination (default: the saved default, else Downloads)",
		ArgsUsage: "[DEST]",
		Flags:     []cli.Flag{defaultDestConfigFlag(), jsonFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError(fmt.Errorf("ls takes at most one destination, got %d arguments", c.NArg()))
			}
			spec := c.Args().First()
			if c.NArg() == 0 { // not ls "", which is no destination
				var err error
				if spec, err = e.defaultDest(c); err != nil {
					return err
				}
			}
			dest, err := e.registry().Open(c.Context, spec) // a spec that is none is a usage error (see explain)
			if err != nil {
				return err
			}
			defer dest.Close()
			l, err := job.List(c.Context, dest)
			if err != nil {
				return err
			}
			ignored, unreadable := l.Notes()
			for _, n := range ignored {
				e.notes.Detail("%s", n)
			}
			for _, n := range unreadable {
				e.notes.Warn("%s", n)
			}
			return e.printResult(c, l, l.WriteText)
		},
	}
}
