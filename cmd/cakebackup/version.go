package main

import (
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/buildinfo"
)

// versionLine names the release, the Go version it was built with, the
// platform and, when the build recorded it, the commit: what a bug report
// needs.
func versionLine() string {
	s := appName + " " + version + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH
	if rev := buildinfo.Revision(); rev != "" {
		s += ", commit " + rev
	}
	return s + ")"
}

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the Go version and the platform",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("json") {
				return writeJSON(e.stdout, versionJSON{
					Version: version, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Commit: buildinfo.Revision(),
				})
			}
			_, err := e.stdout.Write([]byte(versionLine() + "\n"))
			return err
		},
	}
}

// versionJSON is what version --json prints.
type versionJSON struct {
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Commit    string `json:"commit,omitempty"`
}
