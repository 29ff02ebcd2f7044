package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/job"
)

// lsJSON is what ls --json prints.
type lsJSON struct {
	// Dest is the destination's spec, as in dests --json and check --json.
	Dest string `json:"dest"`
	// Destination is Dest under its first name, kept for the scripts
	// that read it; deprecated.
	Destination string               `json:"destination"`
	Backups     []destinations.Entry `json:"backups"`
	// Ignored counts the files there that are not backups.
	Ignored int `json:"other_files_ignored"`
	// Unreadable are the files that could not be read to tell whether
	// they are backups.
	Unreadable []lsUnreadable `json:"unreadable"`
}

// lsUnreadable is a file ls could not read, and why.
type lsUnreadable struct {
	Name     string `json:"name"`
	Location string `json:"location"`
	Error    string `json:"error"`
}

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
			if spec == "" {
				var err error
				if spec, err = e.defaultDest(c.String("config")); err != nil {
					return err
				}
			}
			if _, err := destinations.ParseSpec(spec); err != nil {
				return usageError(err)
			}
			dest, err := e.openDest(c.Context, spec)
			if err != nil {
				return err
			}
			defer dest.Close()
			l, err := job.List(c.Context, dest)
			if err != nil {
				return err
			}
			out := lsJSON{Dest: dest.Spec(), Destination: dest.Spec(), Backups: l.Backups, Ignored: len(l.Others), Unreadable: []lsUnreadable{}}
			for _, en := range l.Others {
				e.detail("ignored %s: not a backup", backup.QuoteName(en.Name))
			}
			for _, u := range l.Unreadable {
				out.Unreadable = append(out.Unreadable, lsUnreadable{Name: u.Name, Location: u.Location, Error: u.Err.Error()})
				e.warn("could not tell whether %s is a backup: %s", backup.QuoteName(u.Location), oneLine(errloc.Reason(u.Err, append(destinations.Spellings(u.Location), u.Location, u.Name)...)))
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, out)
			}
			return printLs(e, out)
		},
	}
}

func printLs(e *env, out lsJSON) error {
	ignored := ""
	if out.Ignored > 0 {
		ignored = fmt.Sprintf("%d other %s ignored (not backups)\n", out.Ignored, plural(out.Ignored, "file", "files"))
	}
	if len(out.Backups) == 0 {
		fmt.Fprintf(e.stdout, "No backups at %s\n%s", out.Dest, ignored)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSIZE\tTIME")
	for _, en := range out.Backups {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", backup.QuoteName(en.Name), bytesize.Format(en.Size), en.ModTime.Local().Format(time.DateTime))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprint(e.stdout, ignored)
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
