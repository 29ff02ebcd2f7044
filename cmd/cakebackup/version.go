package main

import (
	"runtime"

	"github.com/urfave/cli/v2"
)

// versionLine names the release, the Go version it was built with and
// the platform, which is what a bug report needs.
func versionLine() string {
	return appName + " " + version + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the Go version and the platform",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(errUnexpectedArgs(c))
			}
			if c.Bool("json") {
				return writeJSON(e.stdout, map[string]string{
					"version": version, "go_version": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH,
				})
			}
			_, err := e.stdout.Write([]byte(versionLine() + "\n"))
			return err
		},
	}
}
