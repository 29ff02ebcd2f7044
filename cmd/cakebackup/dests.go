package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/local"
)

// availableDest is one place a backup can go right now.
type availableDest struct {
	Spec        string `json:"spec"`
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Path        string `json:"path,omitempty"`
	Free        int64  `json:"free_bytes,omitempty"`
}

func destsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "dests",
		Usage: "list the destinations available now: Downloads, removable drives, Proton Drive",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			var out []availableDest
			if dir, err := local.DownloadsDir(e.getenv); err == nil {
				out = append(out, availableDest{Spec: "downloads", Kind: "downloads", Description: "your Downloads folder", Path: dir})
			}
			drives, err := e.detector().Drives(c.Context)
			if err != nil {
				return fmt.Errorf("looking for removable drives: %w", err)
			}
			for _, d := range drives {
				out = append(out, availableDest{Spec: local.DriveSpec(d, drives), Kind: "usb", Description: "removable drive " + d.Label, Path: d.MountPoint, Free: d.Free})
			}
			out = append(out, e.protonDests()...)
			if c.Bool("json") {
				if out == nil {
					out = []availableDest{}
				}
				return writeJSON(e.stdout, map[string][]availableDest{"destinations": out})
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "DEST\tWHAT\tWHERE\tFREE")
			for _, d := range out {
				free := ""
				if d.Free > 0 {
					free = humanBytes(d.Free)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Spec, d.Description, d.Path, free)
			}
			return tw.Flush()
		},
	}
}
