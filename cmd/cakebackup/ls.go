package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/job"
)

func lsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "ls",
		Usage:     "list the backups at a destination (default: the saved default, else Downloads)",
		ArgsUsage: "[DEST]",
		Flags: []cli.Flag{
			defaultDestConfigFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError(fmt.Errorf("ls takes at most one destination, got %d arguments", c.NArg()))
			}
			spec := c.Args().First()
			if c.NArg() == 0 { // not ls "", which is no destination
				var err error
				if spec, err = e.defaultDest(c.String("config")); err != nil {
					return err
				}
			}
			if _, err := destinations.ParseSpec(spec); err != nil {
				return usageError(err)
			}
			dest, err := e.registry().Open(c.Context, spec)
			if err != nil {
				return err
			}
			defer dest.Close()
			l, err := job.List(c.Context, dest)
			if err != nil {
				return err
			}
			for _, en := range l.Others {
				e.detail("ignored %s: not a backup", backup.QuoteName(en.Name))
			}
			for _, u := range l.Unreadable {
				e.warn("could not tell whether %s is a backup: %s", backup.QuoteName(u.Location), errloc.OneLine(errloc.Reason(u.Err, append(destinations.Spellings(u.Location), u.Location, u.Name)...)))
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, l)
			}
			return l.WriteText(e.stdout)
		},
	}
}
