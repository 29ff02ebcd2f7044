package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/buildinfo"
)

// versionLine names the release, the Go version it was built with, the
// platform and, when the build recorded it, the commit: what a bug report
// needs.
func versionLine() string { return buildinfo.Of(version).Line(appName) }

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the Go version and the platform",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("json") {
				return writeJSON(e.stdout, buildinfo.Of(version))
			}
			_, err := e.stdout.Write([]byte(versionLine() + "\n"))
			return err
		},
	}
}
