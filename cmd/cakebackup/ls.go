package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/destinations"
)

func lsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "ls",
		Usage:     "list the backups at a destination",
		ArgsUsage: "[DEST]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError(fmt.Errorf("ls takes at most one destination, got %d arguments", c.NArg()))
			}
			spec := defaultDest
			if c.NArg() == 1 {
				spec = c.Args().First()
			}
			if _, err := destinations.ParseSpec(spec); err != nil {
				return usageError(err)
			}
			dest, err := e.openDest(c.Context, spec)
			if err != nil {
				return err
			}
			defer dest.Close()
			entries, err := dest.List(c.Context)
			if err != nil {
				return fmt.Errorf("listing %s: %w", dest.Spec(), err)
			}
			if c.Bool("json") {
				if entries == nil {
					entries = []destinations.Entry{}
				}
				return writeJSON(e.stdout, entries)
			}
			if len(entries) == 0 {
				fmt.Fprintf(e.stdout, "No backups at %s\n", dest.Spec())
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSIZE\tTIME")
			for _, en := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", en.Name, humanBytes(en.Size), en.ModTime.Local().Format(time.DateTime))
			}
			return tw.Flush()
		},
	}
}
