package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/proton"
)

func destsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "dests",
		Usage: "list the destinations available now: Downloads, removable drives, Proton Drive",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			out, err := e.registry().Available(c.Context)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, map[string][]destinations.Place{"destinations": out})
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "DEST\tWHAT\tWHERE\tFREE")
			for _, d := range out {
				free := ""
				if d.Free != nil {
					free = bytesize.Format(*d.Free)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Spec, d.Description, d.Path, free)
			}
			return tw.Flush()
		},
	}
}

// registry returns every destination cakebackup knows, one line each.
func (e *env) registry() *destinations.Registry {
	r := destinations.NewRegistry()
	// Which of several drives: asked on the terminal, if there is one.
	local.Register(r, e.getenv, e.detector(), local.AskDriveOn(e.stdin, e.stderr))
	proton.Register(r, e.getenv)
	return r
}

// detector finds removable drives on this machine.
func (e *env) detector() local.Detector {
	if e.drives != nil {
		return *e.drives
	}
	return local.Detector{Getenv: e.getenv}
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
			return printLs(e, l)
		},
	}
}

func printLs(e *env, out job.Listing) error {
	ignored := ""
	if n := len(out.Others); n > 0 {
		ignored = fmt.Sprintf("%d other %s ignored (not backups)\n", n, plural(n, "file", "files"))
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
				return usageError(fmt.Errorf("check takes one destination, such as proton:/Backups/Cake or folder:/media/usb"))
			}
			var opts check.Options
			if s := c.String("read-data-subset"); s != "" {
				sub, err := check.ParseSubset(s, bytesize.Parse)
				if err != nil {
					return usageError(fmt.Errorf("--read-data-subset: %w", err))
				}
				opts.Subset = sub
			}
			if c.Bool("rotate") && opts.Subset.T == 0 {
				return usageError(errors.New("--rotate needs --read-data-subset N/T"))
			}
			opts.Rotate = c.Bool("rotate")
			dest, err := e.registry().Open(c.Context, c.Args().First())
			if err != nil {
				return err
			}
			defer dest.Close()
			// The results are recorded in the verification file; a
			// backup that failed is exit code 4.
			rep, err := e.runner().Check(c.Context, dest, opts)
			err = runnerErr(err)
			if rep == nil {
				return err
			}
			if c.Bool("json") {
				if jerr := writeJSON(e.stdout, rep); jerr != nil {
					return jerr
				}
			} else {
				for _, r := range rep.Results {
					line := fmt.Sprintf("%-10s %s", r.Status, backup.QuoteName(r.Location))
					if r.Error != "" {
						line += " (" + errloc.OneLine(r.Error) + ")"
					}
					fmt.Fprintln(e.stdout, line)
				}
				n := len(rep.Results)
				fmt.Fprintf(e.stdout, "%d %s, %d read in full", n, plural(n, "backup", "backups"), rep.ReadCount)
				if rep.ReadCount > 0 {
					fmt.Fprintf(e.stdout, " (%s)", bytesize.Format(rep.ReadBytes))
				}
				if rep.Groups > 0 {
					fmt.Fprintf(e.stdout, ", group %d/%d", rep.Group, rep.Groups)
				}
				if failed := rep.Count(check.Failed); failed > 0 {
					fmt.Fprintf(e.stdout, ", %d failed", failed)
				}
				if unreadable := rep.Count(check.Unreadable); unreadable > 0 {
					fmt.Fprintf(e.stdout, ", %d unreadable", unreadable)
				}
				if rep.Ignored > 0 {
					fmt.Fprintf(e.stdout, "; %d other %s ignored (not backups)", rep.Ignored, plural(rep.Ignored, "file", "files"))
				}
				fmt.Fprintln(e.stdout)
			}
			return err
		},
	}
}
