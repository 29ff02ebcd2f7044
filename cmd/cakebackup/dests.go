package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/destinations"
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
				places := make([]placeJSON, len(out))
				for i, p := range out {
					places[i] = placeJSON{Dest: p.Spec, Place: p}
				}
				return writeJSON(e.stdout, map[string][]placeJSON{"destinations": places})
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

// placeJSON is one destination in dests --json: the place's own keys,
// and its spec under "dest" too, the key ls --json and check --json name
// a destination by ("spec" is kept for the scripts that read it;
// deprecated).
type placeJSON struct {
	Dest string `json:"dest"`
	destinations.Place
}
