package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/proton"
)

// destsCommand lists the places a backup can go now, as a table or JSON.
func destsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "dests",
		Usage: "list the destinations available now: Downloads, removable drives, Proton Drive",
		Flags: []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			places, err := e.registry().Available(c.Context)
			if err != nil {
				return err
			}
			list := destinations.PlaceList{Places: places}
			return e.printResult(c, list, list.WriteText)
		},
	}
}

// registry returns every destination cakebackup knows; which of several drives is asked on a terminal, if any.
func (e *env) registry() *destinations.Registry {
	r := destinations.NewRegistry()
	local.Register(r, e.getenv, e.detector(), local.AskDriveOn(e.stdin, e.stderr))
	proton.Register(r, e.getenv, e.keyring)
	return r
}

// detector finds removable drives on this machine, or where tests say.
func (e *env) detector() local.Detector {
	if e.drives != nil {
		return *e.drives
	}
	return local.Detector{Getenv: e.getenv}
}
