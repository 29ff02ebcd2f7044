package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/destinations"
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
			return destinations.WritePlaces(e.stdout, out)
		},
	}
}

// registry returns every destination cakebackup knows, one line each.
func (e *env) registry() *destinations.Registry {
	r := destinations.NewRegistry()
	// Which of several drives: asked on the terminal, if there is one.
	local.Register(r, e.getenv, e.detector(), local.AskDriveOn(e.stdin, e.stderr))
	proton.Register(r, e.getenv, e.keyring)
	return r
}

// detector finds removable drives on this machine.
func (e *env) detector() local.Detector {
	if e.drives != nil {
		return *e.drives
	}
	return local.Detector{Getenv: e.getenv}
}
