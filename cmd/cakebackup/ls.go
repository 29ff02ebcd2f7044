package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
)

// lsJSON is what ls --json prints.
type lsJSON struct {
	Destination string               `json:"destination"`
	Backups     []destinations.Entry `json:"backups"`
	// Ignored counts the files there that are not backups.
	Ignored int `json:"other_files_ignored"`
}

func lsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "ls",
		Usage:     "list the backups at a destination (default: the saved default, else Downloads)",
		ArgsUsage: "[DEST]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "config `FILE` holding a saved default destination"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageError(fmt.Errorf("ls takes at most one destination, got %d arguments", c.NArg()))
			}
			spec := c.Args().First()
			if spec == "" {
				saved, err := e.savedDefaultDest(c.String("config"))
				if err != nil {
					return err
				}
				spec = cmp.Or(saved, defaultDest)
			}
			if _, err := destinations.ParseSpec(spec); err != nil {
				return usageError(err)
			}
			dest, err := e.openDest(c.Context, spec)
			if err != nil {
				return err
			}
			defer dest.Close()
			// A cloud folder is made by the first backup, so it can be
			// missing after opening; ls fails then, as for a local one.
			if f, ok := dest.(interface{ CheckFolder(context.Context) error }); ok {
				if err := f.CheckFolder(c.Context); err != nil {
					return fmt.Errorf("listing %s: %w", dest.Spec(), err)
				}
			}
			entries, err := dest.List(c.Context)
			if err != nil {
				return fmt.Errorf("listing %s: %w", dest.Spec(), err)
			}
			out := lsJSON{Destination: dest.Spec(), Backups: []destinations.Entry{}}
			for _, en := range entries {
				if isBackup(c.Context, dest, en) {
					out.Backups = append(out.Backups, en)
				} else {
					out.Ignored++
					e.detail("ignored %s: not a backup", en.Name)
				}
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
		fmt.Fprintf(e.stdout, "No backups at %s\n%s", out.Destination, ignored)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSIZE\tTIME")
	for _, en := range out.Backups {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", en.Name, bytesize.Format(en.Size), en.ModTime.Local().Format(time.DateTime))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprint(e.stdout, ignored)
	return err
}

// backupNamePrefix starts the names the app and cakebackup give backups.
const backupNamePrefix = "cake_wallet_backup"

// isBackup tells backups from other files: by the name the app and
// cakebackup give them, else by content (a v3 container or a v2 blob, as
// backup.Open recognises them from the first bytes and the container's
// directory).
func isBackup(ctx context.Context, dest destinations.Destination, en destinations.Entry) bool {
	if strings.HasPrefix(en.Name, backupNamePrefix) {
		return true
	}
	r, err := dest.Open(ctx, en.Name)
	if err != nil {
		return false
	}
	defer r.Close()
	_, err = backup.Open(r, r.Size())
	return err == nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
